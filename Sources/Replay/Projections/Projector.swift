import CJQ
import EventLog
import Foundation
import JSON
import SafeText

/// One projection as a runner folds it: compiled handlers, its state (one, or one per
/// partition key), its checkpoint, and what of it is saved.
///
/// The checkpoint is the global position of the last event the projection has dealt with,
/// applied or skipped (not from its source, or no handler for its type), so that lag is
/// head − checkpoint. The state always covers exactly the events up to the checkpoint, and
/// `encoded` writes both into one file: a restart resumes at checkpoint + 1 with the state
/// that goes with it, so no event is applied twice or skipped.
///
/// Not thread-safe (libjq): created, used and released on the runner's thread.
final class Projector {
    /// How the partition key is computed: the common `$e.stream` and `$e.type` without jq.
    private enum PartitionKey {
        case stream
        case type
        case jq(JQProgram)
    }

    let definition: ProjectionDefinition
    let fingerprint: String
    private let handlers: JQHandlerSet
    private let partitionKey: PartitionKey?
    private let initial: OwnedJV
    private var single: StateBox?
    private var partitions: [String: StateBox] = [:] {
        didSet { partitionKeysChanged = true }  // a key added or removed (not a state changed: boxes)
    }
    /// The keys of the last `frozen()`, in the dictionary's order, shared by the checkpoints
    /// taken while no key is added (the dictionary itself is not mutated then, so it iterates
    /// its values in the same order).
    private var frozenKeys: [String] = []
    private var partitionKeysChanged = true

    private(set) var checkpoint: UInt64
    private(set) var savedCheckpoint: UInt64
    private(set) var savedStatus: ProjectionRecord.Status?
    private(set) var applied: UInt64
    private(set) var fault: ProjectionFault?
    /// Set when a run was stopped because Rewind is quitting: the event was not applied and no
    /// fault is recorded; the runner stops.
    private(set) var interrupted = false
    /// The partition the last `apply` ran its handler on (nil: unpartitioned, or no handler ran),
    /// so that `project compare` compares only the partitions an event touched.
    private(set) var lastKey: String?
    private var faultSaved = false
    /// When the checkpoint last moved (or the projection was loaded), and when it was saved.
    var lastMovedMicros: Int64
    private(set) var savedAtMicros: Int64?
    /// Something the user should know: why it was rebuilt, or that a fault is being retried.
    var note: String?

    var name: String { definition.name }
    var isActive: Bool { fault == nil }
    var partitionCount: Int { partitionKey == nil ? 0 : partitions.count }
    /// True when the file lags behind memory.
    var isDirty: Bool { checkpoint != savedCheckpoint || (fault != nil && !faultSaved) }

    /// Why a saved state cannot be used.
    struct Stale: Error {
        var message: String
    }

    /// Compiles the definition and restores its saved state (unless `fresh`).
    ///
    /// - Throws: `JQError` when an expression does not compile or `init` fails; `Stale` when
    ///   the saved state was built by another definition or lies past the head (and
    ///   `rebuildStale` is false); `ProjectionStore.ReadError` never (a damaged file is
    ///   derived data: the projection is rebuilt from zero and `note` says so).
    init(definition: ProjectionDefinition, upcasters: [UpcasterDefinition], store: ProjectionStore, head: UInt64,
         fresh: Bool, rebuildStale: Bool, now: Int64, limits: JQLimits = .standard) throws {
        self.definition = definition
        fingerprint = definition.fingerprint(upcasters: upcasters)
        handlers = try JQHandlerSet(owner: "projection \(definition.name)", initExpression: definition.initExpression, handlers: definition.handlers, limits: limits)
        if let expression = definition.partition {
            switch expression.trimmed() {
            case "$e.stream": partitionKey = .stream
            case "$e.type": partitionKey = .type
            default:
                do { partitionKey = .jq(try JQProgram.compiled(expression, bindsEvent: true, limits: limits)) } catch let e as JQError {
                    throw JQError("projection \(definition.name): partition: \(e.message)")
                }
            }
        } else {
            partitionKey = nil
        }
        initial = try handlers.initialState()
        checkpoint = 0
        savedCheckpoint = 0
        applied = 0
        lastMovedMicros = now

        var record: ProjectionRecord?
        if !fresh {
            do {
                record = try store.load(definition.name)
            } catch {
                note = "its file could not be read (\(error.reason)); rebuilding it from the start"
            }
        }
        if let r = record, let problem = Self.staleness(of: r, fingerprint: fingerprint, head: head) {
            guard rebuildStale else { throw Stale(message: problem) }
            note = problem.replacingStaleAdvice() + "; rebuilding it from the start"
            record = nil
        }
        if let r = record {
            try restore(r)
        } else if partitionKey == nil {
            single = StateBox(OwnedJV(initial.copy()))
        }
    }

    /// nil when `record` can be resumed, else why not (a sentence ending in what to do).
    static func staleness(of record: ProjectionRecord, fingerprint: String, head: UInt64) -> String? {
        if record.fingerprint != fingerprint {
            return "the saved state was built by another definition (fingerprint \(record.fingerprint), now \(fingerprint)); "
                + "rebuild it with 'rewind project rebuild LOG \(record.name)'"
        }
        if record.checkpoint > head {
            return "the saved checkpoint \(record.checkpoint) is past the head of the log (\(head)): it was built from another copy of the log; "
                + "rebuild it with 'rewind project rebuild LOG \(record.name)'"
        }
        return nil
    }

    /// Takes the checkpoint and state of `record` (whose fingerprint the caller has checked).
    func restore(_ record: ProjectionRecord) throws {
        checkpoint = record.checkpoint
        savedCheckpoint = record.checkpoint
        savedStatus = record.status
        applied = record.applied
        savedAtMicros = record.updatedAtMicros
        if let f = record.fault { note = "retrying the event it faulted on last time (\(f))" }
        switch (record.body, partitionKey) {
        case (.state(let s)?, nil):
            single = StateBox(OwnedJV(JVConvert.make(s)))
        case (.partitions(let p)?, .some):
            partitions.reserveCapacity(p.count)
            for (key, state) in p { partitions[key] = StateBox(OwnedJV(JVConvert.make(state))) }
        default:
            // The fingerprint covers `partition`, so this is a damaged or hand-edited file.
            throw Stale(message: "its file holds \(partitionKey == nil ? "partitions" : "a single state") but the definition says otherwise; "
                + "rebuild it with 'rewind project rebuild LOG \(record.name)'")
        }
    }

    // MARK: Folding

    /// True when this projection would apply events of `stream` and `type`.
    @inline(__always)
    func wants(stream: String) -> Bool { definition.from.matches(stream) }

    @inline(__always)
    func handles(_ type: String) -> Bool { handlers.handles(type) }

    /// Moves the checkpoint over an event this projection does not apply.
    @inline(__always)
    func skip(to position: UInt64) {
        checkpoint = position
    }

    /// Applies one event (with its upcasted data, if any) and moves the checkpoint to it; on
    /// an error the state and checkpoint stay as they were and `fault` records the event
    /// (`interrupted` instead when Rewind is quitting).
    func apply(_ view: EventView, type: String, upcast: (data: [UInt8], schemaVersion: UInt32)?) {
        lastKey = nil
        do {
            let ran: Bool
            if let upcast {
                ran = try upcast.data.withUnsafeBytes { try apply(view, type: type, data: $0, schemaVersion: upcast.schemaVersion) }
            } else {
                ran = try apply(view, type: type, data: nil, schemaVersion: nil)
            }
            if ran { applied += 1 }
            checkpoint = view.position
        } catch is JQInterrupted {
            interrupted = true
        } catch let e as HandlerError {
            fail(view, type: type, handler: e.handler, message: e.message)
        } catch let e as JQError {
            fail(view, type: type, handler: "partition", message: e.message)
        } catch {
            fail(view, type: type, handler: "partition", message: "\(error)")
        }
    }

    /// False when the event has no partition (a null key): the handlers did not run.
    private func apply(_ view: EventView, type: String, data: UnsafeRawBufferPointer?, schemaVersion: UInt32?) throws -> Bool {
        guard let partitionKey else {
            guard let box = single else { return false }
            if let next = try handlers.apply(box.value, view, data: data, schemaVersion: schemaVersion) { box.value = next }
            return true
        }
        let key: String
        switch partitionKey {
        case .stream: key = view.stream
        case .type: key = type
        case .jq(let program):
            guard let k = try Self.key(program, view, data: data, schemaVersion: schemaVersion) else { return false }
            key = k
        }
        lastKey = key
        if let box = partitions[key] {
            if let next = try handlers.apply(box.value, view, data: data, schemaVersion: schemaVersion) { box.value = next }
        } else {
            let box = StateBox(OwnedJV(initial.copy()))
            if let next = try handlers.apply(box.value, view, data: data, schemaVersion: schemaVersion) { box.value = next }
            partitions[key] = box
        }
        return true
    }

    /// The partition key of an event: a string, or a number as text; nil (the event is not
    /// applied) for `null` or no output. Anything else is an error.
    private static func key(_ program: JQProgram, _ view: EventView, data: UnsafeRawBufferPointer?, schemaVersion: UInt32?) throws -> String? {
        let event = try EventJV.make(view, data: data, schemaVersion: schemaVersion)
        guard let out = try program.run(input: OwnedJV(jv_null()), event: event) else { return nil }
        switch out.kind {
        case JV_KIND_STRING:
            return JVConvert.string(out.borrow)
        case JV_KIND_NUMBER:
            let d = jv_number_value(out.borrow)
            if let i = Int64(exactly: d) { return String(i) }
            return String(d)
        case JV_KIND_NULL:
            return nil
        default:
            let kind = JVConvert.read(out.borrow).kindName
            throw JQError("the partition key must be a string or a number, not \(kind == "boolean" ? "a boolean" : "an \(kind)")")
        }
    }

    private func fail(_ view: EventView, type: String, handler: String, message: String) {
        fault = ProjectionFault(position: view.position, stream: view.stream, version: view.version, eventType: type, handler: handler, message: message)
        faultSaved = false
    }

    /// Notes that an upcaster run for this projection's event was stopped because Rewind is
    /// quitting: nothing is applied or faulted.
    func markInterrupted() {
        interrupted = true
    }

    /// Records a fault found outside the handlers (an upcaster failing on the event).
    func fail(_ view: EventView, type: String, upcasterError: any Error) {
        fail(view, type: type, handler: "upcaster", message: "\(upcasterError)")
    }

    // MARK: Checkpoints

    /// The current state and checkpoint, frozen (references, not copies; see
    /// `ProjectorCheckpoint`). Call only while `fault` is nil.
    func frozen() -> ProjectorCheckpoint {
        if partitionKey == nil {
            return ProjectorCheckpoint(position: checkpoint, applied: applied, single: single?.value.borrow ?? jv_null(), partitions: [])
        }
        let shared = !partitionKeysChanged
        if partitionKeysChanged {
            frozenKeys = Array(partitions.keys)
            partitionKeysChanged = false
        }
        return ProjectorCheckpoint(
            position: checkpoint, applied: applied, single: nil, keys: frozenKeys, values: partitions.values.map { $0.value.borrow }, sharedKeys: shared)
    }

    /// Puts the projector back at `frozen`'s position and state, with no fault and not
    /// interrupted, as if it had just folded up to there.
    func thaw(_ frozen: ProjectorCheckpoint) {
        checkpoint = frozen.position
        applied = frozen.applied
        fault = nil
        interrupted = false
        lastKey = nil
        if partitionKey == nil {
            single = StateBox(OwnedJV(frozen.copySingle() ?? initial.copy()))
        } else {
            // The boxes of keys both have are reused (no allocation, no rehash): going back to
            // an earlier checkpoint usually changes values, rarely the set of keys.
            frozen.forEachPartition { key, value in
                if let box = partitions[key] { box.value = OwnedJV(value) } else { partitions[key] = StateBox(OwnedJV(value)) }
            }
            // Every key of `frozen` is there now: more keys means some came after it.
            if partitions.count != frozen.keys.count {
                let kept = Set(frozen.keys)
                partitions = partitions.filter { kept.contains($0.key) }
            }
        }
    }

    // MARK: Saving

    /// The file for the current checkpoint and state.
    func encoded(status: ProjectionRecord.Status, now: Int64) -> [UInt8] {
        let record = ProjectionRecord(
            name: name, fingerprint: fingerprint, checkpoint: checkpoint, updatedAtMicros: now, status: fault != nil ? .faulted : status,
            fault: fault, applied: applied, partitionCount: partitionCount, definition: definition.json)
        var bytes = record.headerLine()
        if partitionKey == nil {
            bytes += Array("\"state\":".utf8)
            bytes += (single?.json ?? .null).serializedBytes()
            bytes += Array("}\n".utf8)
        } else {
            let keys = partitions.keys.sorted()
            ProjectionRecord.appendPartitions(
                keys.lazy.map { key in (key, self.partitions[key]?.json.serializedBytes() ?? Array("null".utf8)) }, to: &bytes)
        }
        return bytes
    }

    /// Writes the file and notes what is saved.
    func save(to store: ProjectionStore, status: ProjectionRecord.Status, now: Int64) throws {
        try store.save(encoded(status: status, now: now), name: name)
        savedCheckpoint = checkpoint
        savedStatus = fault != nil ? .faulted : status
        savedAtMicros = now
        if fault != nil { faultSaved = true }
    }

    /// True when the definition has a `partition`: one state per key.
    var isPartitioned: Bool { partitionKey != nil }

    /// The state `init` gives a new partition (or the whole state before the first event).
    func initialJSON() -> JSONValue {
        JVConvert.read(initial.borrow)
    }

    /// The handler name that runs for `type` (the type itself or `$any`); nil when none does.
    func handlerName(for type: String) -> String? {
        handlers.handlerName(for: type)
    }

    /// The partition key of an event, computed without applying it: nil for an unpartitioned
    /// projection or a null key (the handlers do not run).
    ///
    /// - Throws: what the partition expression throws (applying the event then faults).
    func partitionKey(of view: EventView, type: String, upcast: (data: [UInt8], schemaVersion: UInt32)?) throws -> String? {
        guard let partitionKey else { return nil }
        switch partitionKey {
        case .stream: return view.stream
        case .type: return type
        case .jq(let program):
            guard let upcast else { return try Self.key(program, view, data: nil, schemaVersion: nil) }
            return try upcast.data.withUnsafeBytes { try Self.key(program, view, data: $0, schemaVersion: upcast.schemaVersion) }
        }
    }

    /// True when this projection's state for `key` (the single state when `key` is nil) equals
    /// `other`'s, both absent counting as equal; compared as jq values, without converting.
    func sameState(as other: Projector, key: String?) -> Bool {
        let mine = key.map { partitions[$0] } ?? single
        let theirs = key.map { other.partitions[$0] } ?? other.single
        switch (mine, theirs) {
        case (nil, nil): return true
        case (let a?, let b?): return jv_equal(a.value.copy(), b.value.copy()) != 0
        default: return false
        }
    }

    /// The state of one partition, or nil when no event has reached that key (or there are no
    /// partitions).
    func partitionState(_ key: String) -> JSONValue? {
        partitions[key]?.json
    }

    /// The state as JSON: the single state, or an object of partition key → state (sorted).
    func stateJSON() -> JSONValue {
        guard partitionKey != nil else { return single?.json ?? .null }
        var object = JSONObject()
        for key in partitions.keys.sorted() { object[key] = partitions[key]?.json ?? .null }
        return .object(object)
    }
}

fileprivate extension String {
    /// A staleness sentence without its "rebuild it with …" advice.
    func replacingStaleAdvice() -> String {
        guard let r = range(of: "; rebuild it with") else { return self }
        return String(self[..<r.lowerBound])
    }
}
