import CJQ
import Collections
import EventLog

/// Why a handler failed on an event: names the stream, version, event type and handler, so
/// the user can find both the poison event and the expression.
public struct HandlerError: Error, Sendable, Equatable, CustomStringConvertible {
    public var owner: String
    public var stream: String
    public var version: UInt64
    public var position: UInt64
    public var eventType: String
    public var handler: String
    public var message: String

    public var description: String {
        "\(owner): handler for \(handler) failed on \(stream) version \(version) (position \(position), type \(eventType)): \(message)"
    }
}

/// The compiled jq handlers of an aggregate or a projection: an init expression and one
/// program per event type (plus "$any"), each compiled once.
///
/// A handler's first output is the new state; `empty` leaves the state as it was. On a
/// runtime error the state passed in is untouched (jq values are immutable) and a
/// `HandlerError` says where. Not thread-safe: confine to one thread.
public final class JQHandlerSet {
    public let owner: String
    private let initProgram: JQProgram
    private var programs: [String: JQProgram] = [:]
    private let anyProgram: JQProgram?
    /// A stable digest of the definitions (init and handlers), for snapshot staleness.
    public let fingerprint: String
    private let keys = EventJVKeys()

    /// Compiles everything; a bad expression throws `JQError` naming the handler. Every run
    /// is held to `limits`.
    public init(owner: String, initExpression: String, handlers: OrderedDictionary<String, String>, limits: JQLimits = .standard) throws {
        self.owner = owner
        do { initProgram = try JQProgram.compiled(initExpression, bindsEvent: false, limits: limits) } catch let e as JQError {
            throw JQError("\(owner): init: \(e.message)")
        }
        var any: JQProgram?
        for (type, expression) in handlers {
            let program: JQProgram
            do { program = try JQProgram.compiled(expression, bindsEvent: true, limits: limits) } catch let e as JQError {
                throw JQError("\(owner): handler for \(type): \(e.message)")
            }
            if type == "$any" { any = program } else { programs[type] = program }
        }
        anyProgram = any
        var text = "init=\(initExpression)\n"
        for (type, expression) in handlers { text += "\(type)=\(expression)\n" }
        fingerprint = Fingerprint.of(text)
    }

    /// True when some handler (or "$any") applies to events of `type`.
    public func handles(_ type: String) -> Bool { programs[type] != nil || anyProgram != nil }

    /// The name of the handler that runs for `type`: the type itself, `$any`, or nil for none.
    public func handlerName(for type: String) -> String? {
        programs[type] != nil ? type : anyProgram != nil ? "$any" : nil
    }

    /// The initial state (owned).
    /// - Throws: `JQError` naming the owner; `JQInterrupted` when Rewind is quitting.
    func initialState() throws -> OwnedJV {
        do {
            guard let s = try initProgram.run(input: OwnedJV(jv_null()), event: nil) else { return OwnedJV(jv_null()) }
            return s
        } catch let e as JQError {
            throw JQError("\(owner): init failed: \(e.message)")
        }
    }

    /// Applies the handler for `event.type` to `state` (borrowed: copied in, so the caller's
    /// state survives an error). Returns nil when no handler applies (state unchanged).
    /// - Throws: `HandlerError` (a runtime error, or over the time budget or memory ceiling);
    ///   `JQInterrupted` when Rewind is quitting (not the handler's fault: no `HandlerError`).
    func apply(_ state: borrowing OwnedJV, _ event: EventView, data: UnsafeRawBufferPointer? = nil, schemaVersion: UInt32? = nil) throws -> OwnedJV? {
        let type = event.type
        let handlerName: String
        let program: JQProgram
        if let p = programs[type] { program = p; handlerName = type } else if let p = anyProgram { program = p; handlerName = "$any" } else { return nil }
        do {
            let e = try EventJV.make(event, data: data, schemaVersion: schemaVersion, keys: keys)
            return try program.run(input: OwnedJV(state.copy()), event: e) ?? OwnedJV(state.copy())
        } catch let error as JQError {
            throw HandlerError(owner: owner, stream: event.stream, version: event.version, position: event.position, eventType: type, handler: handlerName, message: error.message)
        }
    }
}

/// FNV-1a 64 over text, as 16 hex digits: a stable fingerprint of definitions.
public enum Fingerprint {
    public static func of(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        let s = String(h, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
