import CJQ
import EventLog
import JSON

/// A jq aggregate's state: one immutable libjq value. Copies share it (libjq values are
/// immutable; a handler builds a new one), so keeping a state as a checkpoint costs nothing.
///
/// Not thread-safe (libjq's reference counts are not atomic): confine to one thread.
public final class JQState {
    let value: OwnedJV

    init(_ value: consuming OwnedJV) {
        self.value = value
    }

    /// The state as JSON (a conversion: use it to show the state, not on every event).
    public var json: JSONValue { JVConvert.read(value.borrow) }

    /// A rough count of the bytes the value holds (for the checkpoint cache's budget).
    var estimatedBytes: Int { JVSize.estimate(value.borrow, depth: 0) }
}

/// The reducer of an `[aggregates.NAME]` section: `init` and one jq handler per event type
/// (or `$any`), compiled once by `JQHandlerSet`. The state stays a jq value between events;
/// it becomes JSON only when asked (`json(of:)`).
///
/// An event with no handler (and no `$any`) leaves the state as it is; a handler that outputs
/// nothing (`empty`) too. A handler's runtime error throws `HandlerError` naming the stream,
/// version, event type and handler, and the state passed in stays as it was.
///
/// Not thread-safe: one thread per instance.
public final class JQAggregate: Reducer {
    public typealias State = JQState

    public let definition: AggregateDefinition
    let handlers: JQHandlerSet

    /// Compiles the definition; every handler run is held to `limits` (`[limits]`).
    /// - Throws: `JQError` naming the aggregate and the handler whose expression is bad.
    public init(_ definition: AggregateDefinition, limits: JQLimits = .standard) throws {
        self.definition = definition
        handlers = try JQHandlerSet(owner: "aggregate \(definition.name)", initExpression: definition.initExpression, handlers: definition.handlers, limits: limits)
    }

    public var name: String { definition.name }
    public var fingerprint: String { handlers.fingerprint }

    public func initialState() throws -> JQState {
        JQState(try handlers.initialState())
    }

    public func apply(_ state: inout JQState, _ event: EventView, data: UnsafeRawBufferPointer? = nil, schemaVersion: UInt32? = nil) throws {
        let next = try handlers.apply(state.value, event, data: data, schemaVersion: schemaVersion)
        switch consume next {
        case .some(let value): state = JQState(value)
        case .none: break
        }
    }

    public func json(of state: JQState) -> JSONValue {
        state.json
    }

    public func state(from json: JSONValue) -> JQState {
        JQState(OwnedJV(JVConvert.make(json)))
    }
}

/// Approximate memory of libjq values.
enum JVSize {
    static func estimate(_ v: jv, depth: Int) -> Int {
        switch jv_get_kind(v) {
        case JV_KIND_STRING:
            return 32 + Int(jv_string_length_bytes(jv_copy(v)))
        case JV_KIND_ARRAY:
            let n = Int(jv_array_length(jv_copy(v)))
            guard depth < 64 else { return 32 + n * 16 }
            var total = 32
            for i in 0..<n {
                let item = OwnedJV(jv_array_get(jv_copy(v), Int32(i)))
                total += 16 + estimate(item.borrow, depth: depth + 1)
            }
            return total
        case JV_KIND_OBJECT:
            guard depth < 64 else { return 64 }
            var total = 64
            var it = jv_object_iter(v)
            while jv_object_iter_valid(v, it) != 0 {
                let key = OwnedJV(jv_object_iter_key(v, it))
                let value = OwnedJV(jv_object_iter_value(v, it))
                total += 48 + estimate(key.borrow, depth: depth + 1) + estimate(value.borrow, depth: depth + 1)
                it = jv_object_iter_next(v, it)
            }
            return total
        default:
            return 16
        }
    }
}
