/// States kept every `stride` versions of one stream, so that reaching any version replays at
/// most `stride - 1` events from the checkpoint below it.
///
/// `stride` is a power of two. Widening it (to save memory, or once replay turned out cheap)
/// keeps the checkpoints at multiples of the new stride and drops the others. Version 0 (the
/// initial state) is always kept.
struct CheckpointCache<State> {
    private(set) var stride: UInt64
    /// `entries[i]`: the state at version `i * stride`, when known.
    private var entries: [State?]
    private var sizes: [Int]
    private(set) var memoryBytes = 0
    private(set) var count = 0

    init(initial: State, bytes: Int, stride: UInt64) {
        self.stride = max(1, stride)
        entries = [initial]
        sizes = [bytes]
        memoryBytes = bytes
        count = 1
    }

    /// The highest version with a checkpoint.
    var furthest: UInt64 {
        guard let i = entries.lastIndex(where: { $0 != nil }) else { return 0 }
        return UInt64(i) * stride
    }

    /// The checkpoint at or below `version` that is closest to it (version 0 at worst).
    func nearest(atOrBelow version: UInt64) -> (version: UInt64, state: State) {
        var i = Int(min(version / stride, UInt64(entries.count - 1)))
        while i > 0 {
            if let state = entries[i] { return (UInt64(i) * stride, state) }
            i -= 1
        }
        // Entry 0 is set at init and never removed.
        guard let initial = entries[0] else { preconditionFailure("the initial checkpoint is always kept") }
        return (0, initial)
    }

    func contains(_ version: UInt64) -> Bool {
        guard version % stride == 0 else { return false }
        let i = Int(version / stride)
        return i < entries.count && entries[i] != nil
    }

    /// Keeps `state` as the checkpoint at `version` (a multiple of `stride`).
    mutating func store(_ version: UInt64, _ state: State, bytes: Int) {
        guard version % stride == 0, version > 0 else { return }
        let i = Int(version / stride)
        if i >= entries.count {
            entries.append(contentsOf: repeatElement(nil, count: i - entries.count + 1))
            sizes.append(contentsOf: repeatElement(0, count: i - sizes.count + 1))
        }
        if entries[i] == nil { count += 1 }
        memoryBytes += bytes - sizes[i]
        entries[i] = state
        sizes[i] = bytes
    }

    /// Makes the stride `newStride` (a multiple of the current one), dropping checkpoints that
    /// are not at its multiples.
    mutating func widen(to newStride: UInt64) {
        guard newStride > stride, newStride % stride == 0 else { return }
        let ratio = Int(newStride / stride)
        var keptEntries: [State?] = []
        var keptSizes: [Int] = []
        keptEntries.reserveCapacity(entries.count / ratio + 1)
        var i = 0
        while i < entries.count {
            keptEntries.append(entries[i])
            keptSizes.append(sizes[i])
            i += ratio
        }
        entries = keptEntries
        sizes = keptSizes
        memoryBytes = sizes.reduce(0, +)
        count = entries.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
        stride = newStride
    }
}

/// The smallest power of two at or above `value` (at least 1).
func powerOfTwo(atLeast value: UInt64) -> UInt64 {
    guard value > 1 else { return 1 }
    let shift = 64 - (value - 1).leadingZeroBitCount
    return shift >= 64 ? 1 << 63 : 1 << UInt64(shift)
}

/// The largest power of two at or below `value` (at least 1).
func powerOfTwo(atMost value: UInt64) -> UInt64 {
    guard value > 1 else { return 1 }
    return 1 << UInt64(63 - value.leadingZeroBitCount)
}
