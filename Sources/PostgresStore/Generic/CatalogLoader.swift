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
/// each ordered by first position, so the merge gives exactly the single query's list. When the
/// second session cannot be opened (a connection limit, say), the first runs the whole list.
enum CatalogLoader {
    /// One stream as the catalog query lists it, and how it is found again in the table.
    typealias Entry = (info: StreamInfo, key: StoreCatalog.Key)

    /// Every stream with events at or below `mark`, in the order they first appeared.
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

    /// Two lists each in first-position order, as one.
    static func merged(_ a: [Entry], _ b: [Entry]) -> [Entry] {
        var out: [Entry] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if a[i].info.firstPosition <= b[j].info.firstPosition { out.append(a[i]); i += 1 } else { out.append(b[j]); j += 1 }
        }
        out.append(contentsOf: a[i...])
        out.append(contentsOf: b[j...])
        return out
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

    /// Runs one catalog query and decodes its rows: stream, tenant, version, first and last
    /// position, last time, archived, label.
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
                        firstPosition: UInt64(clamping: try RowDecoder.int8(c3)), lastPosition: UInt64(clamping: try RowDecoder.int8(c4)),
                        lastRecordedMicros: try RowDecoder.micros(c5) ?? 0, isArchived: RowDecoder.bool(c6)),
                    StoreCatalog.Key(stream: stream, tenant: tenant)))
            }
            return true
        }
        return out
    }
}
