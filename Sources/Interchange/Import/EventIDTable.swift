import EventLog

/// Where an event id is placed during an import: in the log (`fromLog`) or planned for the
/// input record that starts on `line`.
struct IDPlacement {
    var version: UInt64
    var line: Int
    var stream: Int32
    var fromLog: Bool
}

/// A hash table from event ids to their placements, for `ImportPlanner`'s one lookup and one
/// insert per event.
///
/// A `Dictionary<EventID, …>` hashed every 16-byte id with SipHash and was a tenth of an
/// import's instructions. This is open addressing with linear probing over one array (an id
/// and its placement side by side: one cache miss per lookup), kept at most 3/4 full. Ids come
/// from the input, which anyone may write, so the hash mixes in a random key per table: a
/// crafted file cannot pile its ids into one run of slots.
struct EventIDTable {
    private struct Slot {
        var id: EventID
        /// `stream` < 0 marks an empty slot.
        var placement: IDPlacement
    }

    private static let empty = Slot(id: EventID(high: 0, low: 0), placement: IDPlacement(version: 0, line: 0, stream: -1, fromLog: false))
    private var slots: [Slot]
    private var mask: Int
    private(set) var count = 0
    private let keyHigh: UInt64
    private let keyLow: UInt64

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity { size <<= 1 }
        slots = Array(repeating: Self.empty, count: size)
        mask = size - 1
        var random = SystemRandomNumberGenerator()
        keyHigh = random.next() | 1
        keyLow = random.next() | 1
    }

    /// Bytes the table holds (its capacity), for memory figures.
    var memoryBytes: Int { slots.capacity * MemoryLayout<Slot>.stride }

    @inline(__always)
    private func home(_ id: EventID) -> Int {
        var x = (id.high &* keyHigh) ^ (id.low &* keyLow)
        x ^= x >> 29
        x = x &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 32
        return Int(truncatingIfNeeded: x) & mask
    }

    subscript(id: EventID) -> IDPlacement? {
        get {
            var i = home(id)
            while true {
                let slot = slots[i]
                if slot.placement.stream < 0 { return nil }
                if slot.id == id { return slot.placement }
                i = (i + 1) & mask
            }
        }
        set {
            // The planner never removes an id; setting nil is not supported.
            guard let newValue else { return }
            precondition(newValue.stream >= 0, "a placement's stream is an index")
            if (count + 1) * 4 > slots.count * 3 { grow() }
            var i = home(id)
            while true {
                if slots[i].placement.stream < 0 {
                    slots[i] = Slot(id: id, placement: newValue)
                    count += 1
                    return
                }
                if slots[i].id == id {
                    slots[i].placement = newValue
                    return
                }
                i = (i + 1) & mask
            }
        }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Self.empty, count: old.count * 2)
        mask = slots.count - 1
        for slot in old where slot.placement.stream >= 0 {
            var i = home(slot.id)
            while slots[i].placement.stream >= 0 { i = (i + 1) & mask }
            slots[i] = slot
        }
    }
}
