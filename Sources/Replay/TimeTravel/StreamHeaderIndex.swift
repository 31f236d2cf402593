import EventLog

/// Per version of one stream: its global position, and the latest original time among the
/// versions up to it. Answers "which version was current at instant T / at position P" with
/// a binary search. Built from one scan of the stream's event headers (no data is touched)
/// and extended as the stream grows. 16 bytes per event.
struct StreamHeaderIndex {
    private(set) var positions: [UInt64] = []
    /// `runningMaxTime[i]`: the largest original time of versions 1...i+1 (non-decreasing even
    /// when imported times are not).
    private(set) var runningMaxTime: [Int64] = []

    var count: UInt64 { UInt64(positions.count) }

    /// Reads the headers of versions `count + 1 ... through`.
    mutating func extend(log: any EventStore, stream: String, through last: UInt64) throws {
        guard last > count else { return }
        let from = count + 1
        positions.reserveCapacity(Int(last))
        runningMaxTime.reserveCapacity(Int(last))
        var latest = runningMaxTime.last ?? .min
        try log.readStream(stream, from: from, limit: Int(clamping: last - from + 1)) { view in
            positions.append(view.position)
            latest = max(latest, view.originalMicros)
            runningMaxTime.append(latest)
            return true
        }
    }

    /// The state "at instant T": the number of leading versions whose original time is at or
    /// before T (0 when the first event is later). With times that only grow, that is the last
    /// event at or before T; an event stamped later than T ends the prefix even when some later
    /// version carries an earlier time, because its effect is part of every later state.
    func version(atTime micros: Int64) -> UInt64 {
        var low = 0, high = runningMaxTime.count
        while low < high {
            let mid = (low + high) / 2
            if runningMaxTime[mid] <= micros { low = mid + 1 } else { high = mid }
        }
        return UInt64(low)
    }

    /// The last version whose global position is at or before `position` (0 when none).
    func version(atPosition position: UInt64) -> UInt64 {
        var low = 0, high = positions.count
        while low < high {
            let mid = (low + high) / 2
            if positions[mid] <= position { low = mid + 1 } else { high = mid }
        }
        return UInt64(low)
    }

    /// The global position of `version` (1-based), when indexed.
    func position(of version: UInt64) -> UInt64? {
        guard version >= 1, version <= count else { return nil }
        return positions[Int(version - 1)]
    }
}
