import CJQ
import JSON

/// A projector's state frozen at one global position: what `ProjectionTimeline` keeps every
/// `stride` positions and restores a projector from, so that a question folds only the events
/// after it.
///
/// It holds jq values by reference (`jv_copy`), not copies: jq 1.6 copies a shared container
/// only when it is next updated, so taking a checkpoint costs one reference per partition, and
/// a partition the fold never touches again is stored once however many checkpoints hold it.
/// Only states with no fault are kept (a fault ends the fold; see `ProjectionTimeline`).
///
/// Not thread-safe (libjq reference counts are not atomic): confine to the timeline's thread.
final class ProjectorCheckpoint {
    /// The global position the state covers (the projector's checkpoint then).
    let position: UInt64
    /// Events whose handlers had run up to `position` (the projector's `applied`).
    let applied: UInt64
    let isPartitioned: Bool
    /// The single state (nil for a partitioned projection).
    private let single: jv?
    /// For a partitioned projection: the keys and their states, in matching order (unsorted).
    let keys: [String]
    private let values: [jv]
    /// A rough size for the memory budget; shared jq values are counted in every checkpoint
    /// that holds them, so this overstates, and the timeline widens early rather than late.
    let estimatedBytes: Int

    /// Takes references to `single` or to each partition's state (borrowed, not consumed).
    convenience init(position: UInt64, applied: UInt64, single: jv?, partitions: [(key: String, value: jv)]) {
        self.init(position: position, applied: applied, single: single, keys: partitions.map(\.key), values: partitions.map(\.value), sharedKeys: false)
    }

    /// Takes references to `single`, or to `values`, the states of `keys` in the same order
    /// (borrowed, not consumed). `sharedKeys`: the same array as the previous checkpoint's (the
    /// keys cost nothing more then).
    init(position: UInt64, applied: UInt64, single: jv?, keys: [String] = [], values: [jv] = [], sharedKeys: Bool) {
        precondition(keys.count == values.count, "one state per key")
        isPartitioned = single == nil
        self.position = position
        self.applied = applied
        self.single = single.map { jv_copy($0) }
        self.keys = keys
        self.values = values.map { jv_copy($0) }
        // Per partition: its jv (16 bytes), its key unless shared (a String: inline up to 15
        // bytes), and what the value points to (nothing for a number, a boolean or null).
        var bytes = 64
        if let single { bytes += JVSize.estimate(single, depth: 0) }
        for v in values { bytes += JVSize.estimate(v, depth: 0) }
        if !sharedKeys { for k in keys { bytes += 16 + (k.utf8.count > 15 ? 32 + k.utf8.count : 0) } }
        estimatedBytes = bytes
    }

    /// A checkpoint made from a saved projection file's checkpoint and state (whose fingerprint
    /// and shape the caller has checked).
    convenience init(record: ProjectionRecord) {
        switch record.body {
        case .partitions(let members)?:
            let made = members.map { (key: $0.key, value: JVConvert.make($0.value)) }
            self.init(position: record.checkpoint, applied: record.applied, single: nil, partitions: made)
            for m in made { jv_free(m.value) }
        case .state(let state)?:
            let made = JVConvert.make(state)
            self.init(position: record.checkpoint, applied: record.applied, single: made, partitions: [])
            jv_free(made)
        case nil:
            self.init(position: record.checkpoint, applied: record.applied, single: jv_null(), partitions: [])
        }
    }

    deinit {
        if let single { jv_free(single) }
        for v in values { jv_free(v) }
    }

    /// A new reference to the single state (the caller owns it), nil when partitioned.
    func copySingle() -> jv? { single.map { jv_copy($0) } }

    /// Calls `body` with each key and a new reference to its state (the callee owns it).
    func forEachPartition(_ body: (String, jv) -> Void) {
        for i in keys.indices { body(keys[i], jv_copy(values[i])) }
    }

    /// The state as JSON: the single state, or an object of key → state with sorted keys.
    func stateJSON() -> JSONValue {
        if let single { return JVConvert.read(single) }
        var object = JSONObject()
        for i in keys.indices.sorted(by: { keys[$0] < keys[$1] }) { object[keys[i]] = JVConvert.read(values[i]) }
        return .object(object)
    }
}
