import JSON
/// Why a projection stopped: the poison event and the handler that failed on it, or a fault
/// of the definition itself (an `init` that fails), which names no event.
///
/// A faulted projection keeps the state and checkpoint it had just before the poison event
/// (jq values are immutable, so a failed handler changes nothing); running it again retries
/// that event, which fails again until the definition (and so its fingerprint) changes.
public struct ProjectionFault: Sendable, Equatable, CustomStringConvertible {
    /// The global position of the poison event; nil for a fault of the definition.
    public var position: UInt64?
    public var stream: String?
    public var version: UInt64?
    public var eventType: String?
    /// The handler that failed: an event type, "$any", "partition", "upcaster" or "init".
    public var handler: String
    public var message: String

    public init(position: UInt64?, stream: String?, version: UInt64?, eventType: String?, handler: String, message: String) {
        self.position = position
        self.stream = stream
        self.version = version
        self.eventType = eventType
        self.handler = handler
        self.message = message
    }

    public var description: String {
        guard let position else { return "\(handler) failed: \(message)" }
        let at = "\(stream ?? "?") version \(version.map(String.init) ?? "?") (position \(position), type \(eventType ?? "?"))"
        return "handler \(handler) failed on \(at): \(message)"
    }

    /// `{"position","stream","version","type","handler","message"}`, null where unknown.
    public var json: JSONValue {
        .object([
            "position": position.map { .integer(Int64(clamping: $0)) } ?? .null,
            "stream": stream.map { .string($0) } ?? .null,
            "version": version.map { .integer(Int64(clamping: $0)) } ?? .null,
            "type": eventType.map { .string($0) } ?? .null,
            "handler": .string(handler),
            "message": .string(message),
        ])
    }

    /// Reads what `json` wrote; nil when `value` is not such an object.
    public init?(json value: JSONValue) {
        guard case .object = value, let handler = value["handler"]?.stringValue, let message = value["message"]?.stringValue else {
            return nil
        }
        self.init(
            position: value["position"]?.int64Value.flatMap { UInt64(exactly: $0) },
            stream: value["stream"]?.stringValue,
            version: value["version"]?.int64Value.flatMap { UInt64(exactly: $0) },
            eventType: value["type"]?.stringValue,
            handler: handler, message: message)
    }
}
