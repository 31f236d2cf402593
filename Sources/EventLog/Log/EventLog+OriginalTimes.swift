import Platform

/// The events' own times at given positions, read from their headers only.
extension EventLog {
    /// The original time (`originalMicros`: when the event happened, for imported events in
    /// the system it came from) of the event at each of `positions`, in the same order; nil
    /// for a position the log does not hold.
    ///
    /// Why: the index keeps each stream's last *recorded* time (the append or import time), which
    /// is what a segment's persisted index holds; lists that show "last activity" by the events'
    /// own time ask for the stream's last position here. The positions are visited in file order
    /// through one reader, so a million streams cost about one sequential pass over the batches
    /// that hold their last events, not a million scattered reads. Each batch read is checked
    /// (CRC, and that it holds the position the index says) like any other read.
    public func originalMicros(at positions: [UInt64]) throws -> [Int64?] {
        var result = [Int64?](repeating: nil, count: positions.count)
        guard !positions.isEmpty else { return result }
        // Streams listed in creation order usually ask in position order already: no sort then.
        var sorted = true
        for i in 1..<positions.count where positions[i] < positions[i - 1] { sorted = false; break }
        let order = sorted ? Array(positions.indices) : positions.indices.sorted { positions[$0] < positions[$1] }
        struct Where { var index: Int; var position: UInt64; var segment: Int; var offset: Int }
        var plan: [Where] = []
        plan.reserveCapacity(positions.count)
        monitor.lock()
        let head = visibleHead
        let handles = files
        let limits = index.segments.map(\.length)
        for i in order {
            let p = positions[i]
            if positionsOnly, p >= 1, p <= head, let k = index.segment(holding: p) {
                do { try loadLazyOffsets(k) } catch {
                    monitor.unlock()
                    throw error
                }
            }
            guard p >= 1, p <= head, let loc = index.location(of: p) else { continue }
            plan.append(Where(index: i, position: p, segment: loc.segment, offset: loc.offset))
        }
        monitor.unlock()
        var reader = BatchReader(chunkSize: 1 << 20)
        for w in plan {
            let file = handles[w.segment]
            result[w.index] = try reader.withBatch(file, at: w.offset, limit: limits[w.segment]) { header, buffer -> Int64? in
                guard header.firstPosition <= w.position, w.position <= header.lastPosition else {
                    throw EventLogError.corrupt(
                        segment: file.path, offset: w.offset,
                        reason: "the batch at this offset holds positions \(header.firstPosition)–\(header.lastPosition), but the index places position \(w.position) here (the segment does not match its index)")
                }
                if w.position == header.lastPosition {
                    return buffer.i64(at: header.bodyStart + header.lastEventStart + 24)
                }
                var found: Int64?
                BatchCodec.forEachEvent(of: header, in: buffer) { view in
                    if view.position == w.position { found = view.originalMicros; return false }
                    return true
                }
                return found
            }
        }
        return result
    }
}
