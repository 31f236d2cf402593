import EventLog
import Replay
import JSON

/// What `--upcast` and `--redact` do to stored events on their way out (`export`, `read`):
/// data upcasted to the newest schema version, then hidden fields replaced in data and
/// metadata. The stored bytes never change; an event neither option touches is written exactly
/// as `GenericEventLine.encode` writes it.
///
/// Holds an `Upcaster` (libjq): not thread-safe, confine to one thread.
public final class EventRewriter {
    public let redactor: Redactor?
    public let upcaster: Upcaster?

    /// - Parameters:
    ///   - redactor: hides fields; nil (or one with no fields) hides nothing.
    ///   - upcaster: upgrades old schema versions; nil keeps the stored data.
    public init(redactor: Redactor? = nil, upcaster: Upcaster? = nil) {
        self.redactor = redactor.flatMap { $0.isEmpty ? nil : $0 }
        self.upcaster = upcaster.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// True when no event can change.
    public var isIdentity: Bool { redactor == nil && upcaster == nil }

    /// The data as it is to be shown (upcasted, then redacted) and its schema version, or nil
    /// when the stored data is shown as it is.
    /// - Throws: `UpcastError` when an upcaster fails on this event.
    public func data(of e: EventView) throws -> (data: [UInt8], schemaVersion: UInt32)? {
        var result: (data: [UInt8], schemaVersion: UInt32)?
        if let upcaster, let upcasted = try upcaster.upcast(e) {
            result = upcasted
        }
        guard let redactor, e.contentType == .json else { return result }
        if let current = result {
            return (redactor.redact(bytes: current.data) ?? current.data, current.schemaVersion)
        }
        return redactor.redact(bytes: e.data).map { ($0, e.schemaVersion) }
    }

    /// The metadata as it is to be shown, or nil when the stored metadata is shown as it is.
    public func metadata(of e: EventView) -> [UInt8]? {
        guard let redactor, !e.metadata.isEmpty, let redacted = redactor.redact(bytes: e.metadata) else { return nil }
        // Metadata is an object in the export shape; metadata hidden whole stays one.
        if redacted.first == UInt8(ascii: "{") { return redacted }
        return JSONValue.object(["undecodable": .string(Redactor.replacement)]).serializedBytes()
    }

    /// One line in the generic JSON Lines shape (no newline), as `GenericEventLine.encode`
    /// writes it but with the rewritten data, schema version and metadata.
    /// - Throws: `UpcastError` when an upcaster fails on this event.
    public func encodeLine(_ e: EventView, position: Bool = true) throws -> [UInt8] {
        let line = GenericEventLine.encode(e, position: position)
        let data = try data(of: e)
        let metadata = metadata(of: e)
        guard data != nil || metadata != nil else { return line }
        // Rare path (the event changed): rebuild the line around the new parts, keeping the
        // shape and member order of the generic encoder. Hidden data must never leak, so a
        // part that does not parse fails the event rather than falling back to stored bytes.
        guard case .object(var object)? = try? JSONValue.parse(line) else {
            throw EventRewriteError(stream: e.stream, version: e.version, reason: "its export line could not be rebuilt")
        }
        if let data {
            guard let value = try? JSONValue.parse(data.data) else {
                throw EventRewriteError(stream: e.stream, version: e.version, reason: "its rewritten data is not valid JSON")
            }
            object["data"] = value
            object["schemaVersion"] = .integer(Int64(data.schemaVersion))
        }
        if let metadata {
            guard let value = try? JSONValue.parse(metadata) else {
                throw EventRewriteError(stream: e.stream, version: e.version, reason: "its redacted metadata is not valid JSON")
            }
            object["metadata"] = value
        }
        return JSONValue.object(object).serializedBytes()
    }
}

/// An event could not be rewritten for output (a bug guard: redacted output is never replaced
/// by the stored bytes).
public struct EventRewriteError: Error, Sendable, Equatable, CustomStringConvertible {
    public var stream: String
    public var version: UInt64
    public var reason: String

    public var description: String {
        "cannot write \(stream) version \(version): \(reason); nothing of it was written"
    }
}
