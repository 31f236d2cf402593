import EventLog
import Platform
import PostgresNIO
import Synchronization

/// An events table in PostgreSQL, read as an `EventStore`: Marten's `mt_events`, Message DB's
/// `messages`, or any table `[source]` describes (`TableMapping` says how).
///
/// Read-only by construction: it holds only a read-only `PostgresConnection` (the server
/// refuses writes in its sessions) and its SQL is SELECT only. Readers see the table up to the
/// high-water mark (`HighWaterMark`); `refresh()` moves it and extends the stream catalog
/// with the new rows' headers. Reads are pushed down: a stream's page by (stream, version), the
/// whole table by keyset pages in position order.
///
/// Thread safety: every method may be called from any thread. The catalog and the mark sit
/// behind a mutex; statements run one at a time on the connection.
public final class SQLEventStore: FilteringEventStore {
    public let mapping: TableMapping
    public let connection: PostgresConnection
    /// The state directory (snapshots, projection runs, caches): see `StateDirectory`.
    public let path: String
    /// The URL without its password.
    public let location: String
    public var isWritable: Bool { false }
    public var fileOnlyRefusal: String? {
        "works on a Rewind log directory's files; \(location) is a PostgreSQL store (\(mapping.kind)), checked by PostgreSQL itself"
    }
    /// Rows per page of a whole-table read.
    public let pageRows = 20_000
    /// Reads the consumers the store records (Marten's `mt_event_progression`), when it has any.
    let consumerReader: (@Sendable (PostgresConnection) throws -> [StoreConsumer])?

    private struct State {
        var catalog = StoreCatalog()
        var hwm: HighWaterMark
        var closed = false
    }
    private let state: Mutex<State>

    /// Opens the store: finds the high-water mark and loads the stream catalog up to it.
    public init(
        connection: PostgresConnection, mapping: TableMapping, location: String, stateDirectory: String,
        staleAfterMicros: Int64 = 3_000_000, consumers: (@Sendable (PostgresConnection) throws -> [StoreConsumer])? = nil
    ) throws {
        self.connection = connection
        self.mapping = mapping
        self.location = location
        self.path = stateDirectory
        self.consumerReader = consumers
        let start = try Self.safeHarbor(connection, mapping)
        self.state = Mutex(State(hwm: HighWaterMark(mark: start, staleAfterMicros: staleAfterMicros)))
        try loadCatalog(through: start)
        try refresh()
    }

    public func close() {
        state.withLock { $0.closed = true }
        connection.close()
    }

    // MARK: - Summary queries (from memory)

    public var head: UInt64 { state.withLock { $0.hwm.mark } }
    public var streamCount: Int { state.withLock { $0.catalog.count } }
    public func streams() -> [StreamInfo] { state.withLock { $0.catalog.infos } }
    public func streamInfo(_ name: String) -> StreamInfo? { state.withLock { $0.catalog.info(name) } }
    public func version(of stream: String) -> UInt64 { state.withLock { $0.catalog.info(stream)?.count ?? 0 } }
    /// What readers should know about events held back behind a gap, or nil.
    public var notice: String? { state.withLock { $0.hwm.notice } }

    public func storeConsumers() throws -> [StoreConsumer] {
        guard let consumerReader else { return [] }
        return try consumerReader(connection)
    }

    // MARK: - Opening

    /// The highest position older than the stale threshold (every gap below it is final), or,
    /// with no time column, the highest position there is.
    private static func safeHarbor(_ connection: PostgresConnection, _ m: TableMapping) throws -> UInt64 {
        let sql: String
        if let time = m.time {
            sql = "SELECT \(m.position)::int8 FROM \(m.table) e WHERE \(time) < now() - interval '3 seconds' ORDER BY \(m.position) DESC LIMIT 1"
        } else {
            sql = "SELECT \(m.position)::int8 FROM \(m.table) e ORDER BY \(m.position) DESC LIMIT 1"
        }
        let rows = try connection.query(PostgresQuery(unsafeSQL: sql))
        guard let cell = rows.first?.first else { return 0 }
        return UInt64(clamping: max(0, try RowDecoder.int8(cell)))
    }

    /// The catalog query that groups the events table: stream, tenant, version, first and last
    /// position, last time, archived, label; `$1` is the mark.
    static func groupedCatalogQuery(_ m: TableMapping) -> String {
        let time = m.time.map { "max(\($0))" } ?? "NULL::timestamptz"
        let archived = m.archived.map { "bool_or(\($0))" } ?? "false"
        let group = [m.streamColumn, m.tenantColumn].compactMap { $0 }.joined(separator: ", ")
        return """
            SELECT \(m.streamText), \(m.tenantColumn.map { "\($0)::text" } ?? "NULL::text"), max(\(m.version)), \
            min(\(m.position))::int8, max(\(m.position))::int8, \(time), \(archived), \(m.labelText) \
            FROM \(m.table) e WHERE \(m.position) <= $1 GROUP BY \(group) ORDER BY min(\(m.position))
            """
    }

    /// Loads every stream with events at or below `mark`, in the order they were created: from
    /// the mapping's per-stream table when it has one (`TableMapping.catalogQuery`, in two
    /// halves at once: `CatalogLoader`), else by grouping the events table.
    private func loadCatalog(through mark: UInt64) throws {
        var catalog = StoreCatalog()
        let entries = try CatalogLoader.load(connection, mapping, mark: mark, grouped: Self.groupedCatalogQuery(mapping))
        catalog.reserve(entries.count)
        for entry in entries {
            catalog.add(entry.info, key: entry.key)
        }
        state.withLock { $0.catalog = catalog }
    }

    // MARK: - Following

    @discardableResult
    public func refresh() throws -> Bool {
        let m = mapping
        let (mark, closed) = state.withLock { ($0.hwm.mark, $0.closed) }
        if closed { return false }
        let settled = m.time.map { "(\($0) < now() - interval '3 seconds')" } ?? "false"
        let sql = "SELECT \(m.headerColumns), \(settled) FROM \(m.table) e WHERE \(m.position) > $1 ORDER BY \(m.position) LIMIT 100000"
        var binds = PostgresBindings()
        binds.append(Int64(clamping: mark))
        let rows = try connection.query(PostgresQuery(unsafeSQL: sql, binds: binds))
        struct Header {
            var position: UInt64, stream: String, tenant: String?, version: UInt64, micros: Int64, archived: Bool, label: String?, settled: Bool
        }
        var headers: [Header] = []
        headers.reserveCapacity(rows.count)
        for row in rows {
            var it = row.makeIterator()
            guard let c0 = it.next(), let c1 = it.next(), let c2 = it.next(), let c3 = it.next(),
                  let c4 = it.next(), let c5 = it.next(), let c6 = it.next(), let c7 = it.next() else { continue }
            headers.append(Header(
                position: UInt64(clamping: try RowDecoder.int8(c0)), stream: RowDecoder.text(c1) ?? "", tenant: RowDecoder.text(c2),
                version: UInt64(clamping: max(0, try RowDecoder.int8(c3))), micros: try RowDecoder.micros(c4) ?? 0,
                archived: RowDecoder.bool(c5), label: RowDecoder.text(c6), settled: RowDecoder.bool(c7)))
        }
        let now = WallClock.nowMicros()
        return state.withLock { s in
            guard s.hwm.mark == mark else { return false }  // another thread refreshed meanwhile
            let moved = s.hwm.advance(over: headers.map { HighWaterMark.Row(position: $0.position, settled: $0.settled) }, nowMicros: now)
            for h in headers where h.position <= s.hwm.mark {
                s.catalog.note(
                    name: m.streamName(stream: h.stream, tenant: h.tenant, label: h.label), key: StoreCatalog.Key(stream: h.stream, tenant: h.tenant),
                    version: h.version, position: h.position, micros: h.micros, archived: h.archived)
            }
            return moved
        }
    }

    /// Polls the table (every 250 ms) until the mark passes `position` or `timeout` passes.
    public func waitForEvents(after position: UInt64, timeout: Double) throws -> UInt64 {
        let deadline = WallClock.nowMicros() + Int64(timeout * 1_000_000)
        while true {
            do {
                try refresh()
            } catch let error as PostgresStoreError where error.kind == .connectionLost {
                // The poll that found the connection gone fails; the next one reconnects. A
                // restarted server or a recycled connection must not end a follower; one that
                // stays away fails this second poll with its own error.
                try refresh()
            }
            let head = self.head
            if head > position || state.withLock({ $0.closed }) || WallClock.nowMicros() >= deadline { return head }
            Sleep.milliseconds(Int(min(250, max(1, (deadline - WallClock.nowMicros()) / 1000))))
        }
    }

    // MARK: - Reading events

    public func readAll(
        from position: UInt64, limit: Int, streams wanted: (String) -> Bool, _ visit: (EventView) throws -> Bool
    ) throws {
        try readRows(from: position, limit: limit, filter: nil, streams: wanted, visit)
    }

    /// `readAll` with `filter`'s condition in the WHERE clause (`FilterSQL`).
    public func readAll(
        from position: UInt64, limit: Int, filter: StoreFilter, streams wanted: (String) -> Bool, _ visit: (EventView) throws -> Bool
    ) throws {
        try readRows(from: position, limit: limit, filter: filter, streams: wanted, visit)
    }

    /// Keyset pages in position order: the first small (a search with `--limit`, or a reader
    /// that stops early, pays for little), then doubling up to `pageRows`. Pipelined
    /// (`PostgresConnection.pages`): the next page is asked for as soon as this one's last
    /// position is known, before its rows are decoded.
    private func readRows(
        from position: UInt64, limit: Int, filter: StoreFilter?, streams wanted: (String) -> Bool, _ visit: (EventView) throws -> Bool
    ) throws {
        guard limit > 0 else { return }
        let m = mapping
        let head = self.head
        let start = max(position, 1)
        guard start <= head else { return }
        var remaining = limit
        var scratch = RowScratch()
        // Names and keys as of now: every row at or below the head has its stream in the catalog.
        let (names, catalog) = state.withLock { ($0.catalog.names, $0.catalog) }
        var page = min(1_000, pageRows)
        // The filter's parameters follow the page's ($4…); its text is the same every page.
        func query(from next: UInt64, rows: Int) -> PostgresQuery {
            var binds = PostgresBindings()
            binds.append(Int64(clamping: next))
            binds.append(Int64(clamping: head))
            binds.append(Int64(rows))
            var translated = FilterSQL(mapping: m, key: { catalog.key($0) }, binds: binds)
            let condition = filter.map { " AND " + translated.condition($0) } ?? ""
            let sql = "SELECT \(m.eventColumns) FROM \(m.table) e WHERE \(m.position) >= $1 AND \(m.position) <= $2\(condition) ORDER BY \(m.position) LIMIT $3"
            return PostgresQuery(unsafeSQL: sql, binds: translated.binds)
        }
        try connection.pages(query(from: start, rows: page), next: { rows in
            // A short page is the last; else the next starts after this one's last position.
            guard rows.count == page, let last = rows.last else { return nil }
            var cells = last.makeIterator()
            guard let cell = cells.next() else { return nil }
            let after = UInt64(clamping: max(0, try RowDecoder.int8(cell))) + 1
            guard after <= head else { return nil }
            page = min(page * 2, pageRows)
            return query(from: after, rows: page)
        }) { rows in
            for row in rows {
                var stop = false
                try decode(row, scratch: &scratch, names: names) { view in
                    guard wanted(view.stream) else { return }
                    remaining -= 1
                    stop = try !visit(view) || remaining == 0
                }
                if stop { return false }
            }
            return true
        }
    }

    public func readStream(
        _ stream: String, from version: UInt64, direction: ReadDirection, limit: Int, _ visit: (EventView) throws -> Bool
    ) throws {
        let found = state.withLock { s in s.catalog.key(stream).map { ($0, s.catalog.info(stream)?.count ?? 0) } }
        guard limit > 0, let found else { return }
        let (key, count) = found
        let m = mapping
        var cursor: UInt64
        switch direction {
        case .forward: cursor = max(version, 1)
        case .backward: cursor = min(version, count)
        }
        var remaining = limit
        var scratch = RowScratch()
        let stored = "\(m.versionColumn)"
        let offset = m.versionOffset
        let condition = m.streamCondition(first: 1)
        let next = m.tenantColumn == nil ? 2 : 3
        while remaining > 0, cursor >= 1, cursor <= count {
            let page = min(remaining, 5_000)
            let range = direction == .forward
                ? "\(stored) >= $\(next) AND \(stored) <= $\(next + 1) ORDER BY \(stored) ASC"
                : "\(stored) >= $\(next + 1) AND \(stored) <= $\(next) ORDER BY \(stored) DESC"
            let sql = "SELECT \(m.eventColumns) FROM \(m.table) e WHERE \(condition) AND \(range) LIMIT \(page)"
            var binds = PostgresBindings()
            binds.append(key.stream)
            if m.tenantColumn != nil { binds.append(key.tenant ?? "") }
            binds.append(Int64(clamping: cursor) - offset)
            binds.append((direction == .forward ? Int64(clamping: count) : 1) - offset)
            let rows = try connection.query(PostgresQuery(unsafeSQL: sql, binds: binds))
            if rows.isEmpty { return }
            for row in rows {
                var stop = false
                try decode(row, scratch: &scratch, name: stream) { view in
                    remaining -= 1
                    stop = try !visit(view) || remaining == 0
                    cursor = direction == .forward ? view.version + 1 : view.version - 1
                }
                if stop { return }
            }
            if rows.count < page { return }
        }
    }

    public func event(at position: UInt64) throws -> RecordedEvent? {
        guard position >= 1, position <= head else { return nil }
        var found: RecordedEvent?
        try readAll(from: position, limit: 1, streams: { _ in true }) { view in
            if view.position == position { found = view.materialize() }
            return false
        }
        return found
    }

    public func event(in stream: String, version: UInt64) throws -> RecordedEvent? {
        var found: RecordedEvent?
        try readStream(stream, from: version, direction: .forward, limit: 1) { view in
            if view.version == version { found = view.materialize() }
            return false
        }
        return found
    }

    /// The time column of the rows at `positions`. A stream's last position is answered from
    /// the catalog, which read that row's time (a store's recorded time is its events' own
    /// time), so `rewind streams` asks the server nothing; other positions are read in chunks.
    /// The table built is of the positions asked for, not of the catalog: the dashboard asks
    /// for the few streams that grew since its last reload, every reload.
    public func originalMicros(at positions: [UInt64]) throws -> [Int64?] {
        var result = [Int64?](repeating: nil, count: positions.count)
        guard let time = mapping.time, !positions.isEmpty else { return result }
        var wanted: [UInt64: [Int]] = [:]
        wanted.reserveCapacity(positions.count)
        for (i, p) in positions.enumerated() { wanted[p, default: []].append(i) }
        state.withLock { s in
            for info in s.catalog.infos {
                guard let indexes = wanted.removeValue(forKey: info.lastPosition) else { continue }
                for i in indexes { result[i] = info.lastRecordedMicros }
                if wanted.isEmpty { return }
            }
        }
        guard !wanted.isEmpty else { return result }
        let all = Array(wanted.keys)
        let sql = "SELECT \(mapping.position)::int8, \(time) FROM \(mapping.table) e WHERE \(mapping.position) = ANY($1)"
        for chunk in stride(from: 0, to: all.count, by: 10_000) {
            var binds = PostgresBindings()
            binds.append(all[chunk..<min(chunk + 10_000, all.count)].map { Int64(clamping: $0) })
            for row in try connection.query(PostgresQuery(unsafeSQL: sql, binds: binds)) {
                var it = row.makeIterator()
                guard let c0 = it.next(), let c1 = it.next() else { continue }
                let p = UInt64(clamping: try RowDecoder.int8(c0))
                let t = try RowDecoder.micros(c1)
                for i in wanted[p] ?? [] { result[i] = t }
            }
        }
        return result
    }

    /// The bytes of the metadata built on the client, else of the metadata cell.
    private static func withMetadata<R>(_ built: [UInt8]?, _ cell: PostgresCell, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let built { return try built.withUnsafeBytes(body) }
        return try RowDecoder.withBytes(cell, body)
    }

    /// What decoding reuses from row to row: the view's buffer, and the metadata built on the client.
    private struct RowScratch {
        var encoder = EventViewEncoder()
        var metadata: [UInt8] = []
    }

    /// Decodes one event row into a view (valid inside `body`).
    private func decode(
        _ row: PostgresRow, scratch: inout RowScratch, name known: String? = nil, names: [StoreCatalog.Key: String] = [:],
        _ body: (EventView) throws -> Void
    ) throws {
        var it = row.makeIterator()
        guard let cPos = it.next(), let cStream = it.next(), let cTenant = it.next(), let cVersion = it.next(), let cType = it.next(),
              let cData = it.next(), let cMeta = it.next(), let cTime = it.next(), let cID = it.next()
        else { throw PostgresStoreError(.decoding, "a row of \(mapping.table) has fewer columns than selected") }
        let position = UInt64(clamping: try RowDecoder.int8(cPos))
        let name: String
        if let known {
            name = known
        } else {
            let key = StoreCatalog.Key(stream: RowDecoder.text(cStream) ?? "", tenant: RowDecoder.text(cTenant))
            name = names[key] ?? mapping.streamName(stream: key.stream, tenant: key.tenant)
        }
        let version = UInt64(clamping: max(0, try RowDecoder.int8(cVersion)))
        let micros = try RowDecoder.micros(cTime) ?? 0
        let id = try RowDecoder.uuid(cID) ?? EventID(high: 0, low: position)
        let type = RowDecoder.text(cType) ?? ""
        // Marten's metadata is built here from its raw columns, unless the server built it (a
        // row whose headers are an object to merge).
        var built: [UInt8]?
        if mapping.martenMetadata != nil, cMeta.bytes == nil {
            guard let cCorrelation = it.next(), let cCausation = it.next(), let cDotnet = it.next(), let cArchived = it.next() else {
                throw PostgresStoreError(.decoding, "a row of \(mapping.table) lacks Marten's metadata columns")
            }
            RowDecoder.withOptionalBytes(cTenant) { tenant in
                RowDecoder.withOptionalBytes(cCorrelation) { correlation in
                    RowDecoder.withOptionalBytes(cCausation) { causation in
                        RowDecoder.withOptionalBytes(cDotnet) { dotnet in
                            MartenMetadata.write(
                                .init(seqID: Int64(clamping: position), tenant: tenant, correlation: correlation, causation: causation,
                                      dotnetType: dotnet, archived: RowDecoder.bool(cArchived)),
                                into: &scratch.metadata)
                        }
                    }
                }
            }
            built = scratch.metadata
        }
        try Self.withMetadata(built, cMeta) { metadata in
            try RowDecoder.withBytes(cData) { data in
                try scratch.encoder.withView(
                    stream: name, version: version, position: position, id: id, type: type, recordedMicros: micros,
                    originalMicros: micros, metadata: metadata, data: data, body)
            }
        }
    }
}
