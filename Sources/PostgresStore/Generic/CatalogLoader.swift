import Dispatch
import EventLog
import PostgresNIO
import Synchronization

/// Reads the stream list at open: the grouped query over the events table, or a mapping's
/// per-stream query (Marten's `mt_streams` with index probes) split in two halves that run at
/// once on two sessions and are merged in order.
///
/// Why two sessions: the per-stream query is index probes, one after another in one server
/// process (PostgreSQL runs neither lateral probes nor a cursor in parallel); two halves use two
/// server processes, about halving the wait on a machine with a core to spare. The halves are
/// the streams whose `hashtext(id)` is even and odd (`$2` is the number of parts, `$3` the part),
/// each in the list's order, so the merge gives exactly the single query's list. When the
/// second session cannot be opened (a connection limit, say), the first runs the whole list.
///
/// The order is each row's rank (its fourth column): the first position for the grouped
/// query; the mapping's own creation record for a per-stream query (Marten's
/// `mt_streams.created`), then stream and tenant in byte order (`COLLATE "C"`). Each half
/// comes sorted from the server, and the merge compares the same way, so the list is the same
/// however it was read.
enum CatalogLoader {
    /// One stream as the catalog query lists it, how it is found again in the table, and its
    /// place in the list.
    typealias Entry = (info: StreamInfo, key: StoreCatalog.Key, rank: Int64)

    /// Every stream with events at or below `mark`, in the order they were created.
    static func load(_ connection: PostgresConnection, _ m: TableMapping, mark: UInt64, grouped: String) throws -> [Entry] {
        guard let sql = m.catalogQuery else {
            return try rows(connection, PostgresQuery(unsafeSQL: grouped, binds: binds(mark, parts: 1, part: 0, partitioned: false)), m)
        }
        guard let second = try? PostgresConnection(endpoint: connection.endpoint, mode: .readOnly, connectTimeout: connection.connectTimeout) else {
            return try rows(connection, PostgresQuery(unsafeSQL: sql, binds: binds(mark, parts: 1, part: 0, partitioned: true)), m)
        }
        defer { second.close() }
        let sessions = [connection, second]
        let results = Mutex<[Result<[Entry], any Error>?]>([nil, nil])
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            let query = PostgresQuery(unsafeSQL: sql, binds: binds(mark, parts: 2, part: part, partitioned: true))
            let result = Result { try rows(sessions[part], query, m) }
            results.withLock { $0[part] = result }
        }
        let (a, b) = try results.withLock { r -> ([Entry], [Entry]) in
            guard let first = r[0], let second = r[1] else {
                throw PostgresStoreError(.closed, "the stream list of \(connection.endpoint.redacted) was not read")
            }
            return (try first.get(), try second.get())
        }
        return merged(a, b)
    }

    /// Two lists each sorted by rank, stream and tenant, as one.
    static func merged(_ a: [Entry], _ b: [Entry]) -> [Entry] {
        var out: [Entry] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if precedes(b[j], a[i]) { out.append(b[j]); j += 1 } else { out.append(a[i]); i += 1 }
        }
        out.append(contentsOf: a[i...])
        out.append(contentsOf: b[j...])
        return out
    }

    /// The catalog queries' order: rank, then stream and tenant by their UTF-8 bytes (as
    /// PostgreSQL's `COLLATE "C"` orders them; NULL tenants last).
    static func precedes(_ x: Entry, _ y: Entry) -> Bool {
        if x.rank != y.rank { return x.rank < y.rank }
        if x.key.stream != y.key.stream { return x.key.stream.utf8.lexicographicallyPrecedes(y.key.stream.utf8) }
        switch (x.key.tenant, y.key.tenant) {
        case (let s?, let t?): return s.utf8.lexicographicallyPrecedes(t.utf8)
        case (.some, nil): return true
        default: return false
        }
    }

    static func binds(_ mark: UInt64, parts: Int, part: Int, partitioned: Bool) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(Int64(clamping: mark))
        if partitioned {
            binds.append(Int64(parts))
            binds.append(Int64(part))
        }
        return binds
    }

    /// Runs one catalog query and decodes its rows: stream, tenant, version, rank (an integer, or
    /// a time in microseconds; NULL sorts last), last position, last time, archived, label.
    static func rows(_ connection: PostgresConnection, _ query: PostgresQuery, _ m: TableMapping) throws -> [Entry] {
        var out: [Entry] = []
        try connection.stream(query, chunkRows: 50_000) { rows in
            out.reserveCapacity(out.count + rows.count)
            for row in rows {
                var it = row.makeIterator()
                guard let c0 = it.next(), let c1 = it.next(), let c2 = it.next(), let c3 = it.next(),
                      let c4 = it.next(), let c5 = it.next(), let c6 = it.next(), let c7 = it.next() else { continue }
                let stream = RowDecoder.text(c0) ?? ""
                let tenant = RowDecoder.text(c1)
                let name = m.streamName(stream: stream, tenant: tenant, label: RowDecoder.text(c7))
                out.append((
                    StreamInfo(
                        name: name, category: StreamName.category(of: name), count: UInt64(clamping: max(0, try RowDecoder.int8(c2))),
                        lastPosition: UInt64(clamping: try RowDecoder.int8(c4)),
                        lastRecordedMicros: try RowDecoder.micros(c5) ?? 0, isArchived: RowDecoder.bool(c6)),
                    StoreCatalog.Key(stream: stream, tenant: tenant),
                    try rank(c3)))
            }
            return true
        }
        return out
    }

    /// A rank cell: an 8-byte integer, or a timestamp in microseconds; NULL ranks last.
    static func rank(_ cell: PostgresCell) throws -> Int64 {
        guard cell.bytes != nil else { return .max }
        switch cell.dataType {
        case .timestamptz, .timestamp: return try RowDecoder.micros(cell) ?? .max
        default: return try RowDecoder.int8(cell)
        }
    }
}
