import EventLog
import JSON

/// Folds the events of one stream into a state, one event at a time.
///
/// Two implementations: `GenericFold` (streams with no aggregate in `rewind.toml`) and
/// `JQAggregate` (an `[aggregates.X]` section). `ReducerFactory` picks one per stream, and
/// every consumer feeds events through `ReplayFeed`, which upcasts them first.
///
/// Contract:
/// - `apply` changes `state` in place (no copy per event, which is what lets the generic fold
///   run at millions of events per second) and, when it throws, leaves `state` exactly as it
///   was: the state before a failing event stays intact and usable. `applying(_:_:…)` is the
///   value-returning form.
/// - States are values: a copy kept in a cache or a snapshot never changes when replay goes on.
/// - `json(of:)` materializes a state; `state(from:)` restores one (from a snapshot), so that
///   `json(of: state(from: x)) == x` for every `x` that `json(of:)` produced.
/// - `fingerprint` changes whenever the definitions change, so snapshots made by another
///   version of the reducer are recognised as stale.
///
/// Thread safety: none. A reducer and its states belong to one thread (libjq's values are not
/// thread-safe; the generic fold reads the log it was made for).
public protocol Reducer {
    associatedtype State

    /// What users see: the aggregate's name, or "generic fold".
    var name: String { get }
    /// A digest of the definitions that produced this reducer.
    var fingerprint: String { get }

    /// The state before any event (version 0).
    func initialState() throws -> State

    /// Folds one event into `state`.
    ///
    /// - Parameters:
    ///   - event: the stored event (valid only during the call).
    ///   - data: the event's data after upcasting, when an upcaster changed it; nil means the
    ///     stored `event.data` is current.
    ///   - schemaVersion: the schema version of `data` (nil: the stored one).
    /// - Throws: `HandlerError` (jq) naming stream, version, type and handler; `state` is then
    ///   unchanged.
    func apply(_ state: inout State, _ event: EventView, data: UnsafeRawBufferPointer?, schemaVersion: UInt32?) throws

    /// The state as JSON.
    func json(of state: State) throws -> JSONValue

    /// A state equal to the one `json` describes (for snapshots).
    func state(from json: JSONValue) throws -> State
}

extension Reducer {
    /// The state after `event`, leaving `state` itself untouched (the value-returning form of
    /// `apply`; it copies the state, so replay loops use `apply`).
    public func applying(_ state: State, _ event: EventView, data: UnsafeRawBufferPointer? = nil, schemaVersion: UInt32? = nil) throws -> State {
        var next = state
        try apply(&next, event, data: data, schemaVersion: schemaVersion)
        return next
    }
}

/// Which kind of reducer folds a stream, for headers and reports.
public enum ReducerKind: Sendable, Equatable, CustomStringConvertible {
    /// No aggregate matched: each event's top-level data keys merge into the state.
    case genericFold
    /// The jq aggregate of that name from `rewind.toml`.
    case aggregate(String)

    public var description: String {
        switch self {
        case .genericFold: return "generic fold"
        case .aggregate(let name): return "\(name) (jq)"
        }
    }
}
