import Dispatch
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization

/// A small synchronous client for Rewind's synchronous layers, over postgres-nio.
///
/// A worker thread calls it and blocks until the event loop answers; calling it from inside an
/// event loop throws instead of deadlocking. One statement runs at a time (a lock): the facade is
/// `Sendable`, but not reentrant (a `stream` body must not use the same connection).
///
/// **Read-only sessions.** A ``Mode/readOnly`` connection sets `default_transaction_read_only`
/// when it connects (and checks that the server took it), refuses transaction and session
/// statements (``ReadOnlyStatementGuard``), and runs every statement inside
/// `START TRANSACTION READ ONLY … ROLLBACK`, so even a `set_config` inside a query is undone.
/// The mode is fixed when the connection is made; nothing can switch it off later. Only the
/// demo writer uses ``Mode/writer``. Read-only sessions also turn JIT compilation off (`jit`).
///
/// **Errors** are ``PostgresStoreError`` sentences naming the server by
/// ``PostgresEndpoint/redacted``, never with the password. A lost connection fails the statement
/// that was running; the next call reconnects once (or call ``reconnect()``).
public final class PostgresConnection: Sendable {
    /// What a session may do.
    public enum Mode: Sendable, Equatable {
        /// Reads only; the server refuses any write.
        case readOnly
        /// Reads and writes (the demo writer and the benchmark's loader).
        case writer
    }

    public let endpoint: PostgresEndpoint
    public let mode: Mode
    /// How long connecting (TCP, TLS, authentication) may take.
    public let connectTimeout: Duration
    private let current: Mutex<PostgresNIO.PostgresConnection?>

    static let logger = Logger(label: "rewind.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    /// How often a waiting statement looks whether its connection was closed, and how long it
    /// then still waits for the statement's own answer.
    static let lostPoll: DispatchTimeInterval = .milliseconds(100)
    static let lostGrace: DispatchTimeInterval = .milliseconds(200)
    private static let ids = Atomic<Int>(0)

    /// Connects to `url` (gaps filled by ``PostgresEndpoint``).
    /// - Throws: ``PostgresStoreError``.
    public convenience init(url: PostgresURL, mode: Mode = .readOnly, connectTimeout: Duration? = nil) throws {
        try self.init(endpoint: PostgresEndpoint(url: url), mode: mode, connectTimeout: connectTimeout)
    }

    /// Connects to `endpoint`.
    /// - Throws: ``PostgresStoreError``.
    public init(endpoint: PostgresEndpoint, mode: Mode = .readOnly, connectTimeout: Duration? = nil) throws {
        self.endpoint = endpoint
        self.mode = mode
        self.connectTimeout = connectTimeout ?? endpoint.url.connectTimeoutSeconds.map { .seconds($0) } ?? .seconds(10)
        current = Mutex(nil)
        try current.withLock { conn in conn = try open() }
    }

    deinit {
        current.withLock { conn in
            if let c = conn { Self.closeInBackground(c) }
            conn = nil
        }
    }

    /// Closes `connection` without waiting; it stays referenced until closed (postgres-nio
    /// requires a connection be closed before it is released).
    static func closeInBackground(_ connection: PostgresNIO.PostgresConnection) {
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// Closes the connection; a later call reconnects.
    public func close() {
        current.withLock { conn in
            if let c = conn { _ = try? c.close().wait() }
            conn = nil
        }
    }

    /// Drops the connection and connects again.
    public func reconnect() throws {
        try current.withLock { conn in
            if let c = conn { _ = try? c.close().wait() }
            conn = nil
            conn = try open()
        }
    }

    /// Runs one statement (parameters bound by postgres-nio: `"… WHERE id = \(id)"`) and returns
    /// every row. For large results use ``stream(_:chunkRows:_:)``.
    public func query(_ query: PostgresQuery, timeout: Duration? = nil) throws -> [PostgresRow] {
        if mode == .readOnly { try ReadOnlyStatementGuard.check(query.sql) }
        return try withSession { conn in
            guard self.mode == .readOnly else { return try self.run(conn, query, timeout: timeout).rows }
            return try self.inQueuedTransaction(conn, query, timeout: timeout)
        }
    }

    /// `START TRANSACTION READ ONLY`, the query and `ROLLBACK` handed to the event loop at once,
    /// then one wait: the loop runs them back to back instead of waking this thread between
    /// them (on a busy machine each wake-up can cost milliseconds; a random jump is one query).
    /// The order on the wire is the order given, so the query still runs inside the read-only
    /// transaction (and the session is read-only by default besides).
    private func inQueuedTransaction(_ conn: PostgresNIO.PostgresConnection, _ query: PostgresQuery, timeout: Duration?) throws -> [PostgresRow] {
        let begin = try send(conn, "START TRANSACTION READ ONLY")
        let result = conn.query(query, logger: Self.logger)
        let end = conn.query("ROLLBACK", logger: Self.logger)
        let rows: [PostgresRow]
        do {
            _ = try Self.wait(begin, timeout: timeout, endpoint: endpoint, closing: conn)
            rows = try Self.wait(result, timeout: timeout, endpoint: endpoint, closing: conn).rows
        } catch {
            _ = try? Self.wait(end, timeout: connectTimeout, endpoint: endpoint, closing: conn)
            throw error
        }
        _ = try Self.wait(end, timeout: timeout, endpoint: endpoint, closing: conn)
        return rows
    }

    /// Runs one statement through a server-side cursor and hands its rows over in chunks of at
    /// most `chunkRows`, so memory stays bounded whatever the result's size. `body` returns
    /// false to stop early.
    public func stream(_ query: PostgresQuery, chunkRows: Int = 10_000, timeout: Duration? = nil, _ body: ([PostgresRow]) throws -> Bool) throws {
        let n = max(1, chunkRows)
        if mode == .readOnly { try ReadOnlyStatementGuard.check(query.sql) }
        try withSession { conn in
            try self.inTransaction(conn) {
                let cursor = "rewind_cursor"
                let declare = PostgresQuery(unsafeSQL: "DECLARE \(cursor) NO SCROLL CURSOR FOR " + query.sql, binds: query.binds)
                _ = try self.run(conn, declare, timeout: timeout)
                while true {
                    let fetch = PostgresQuery(unsafeSQL: "FETCH FORWARD \(n) FROM \(cursor)")
                    let rows = try self.run(conn, fetch, timeout: timeout).rows
                    if rows.isEmpty { break }
                    if try !body(rows) { break }
                    if rows.count < n { break }
                }
            }
        }
    }

    /// Runs a chain of statements inside one read-only transaction, each sent before the rows of
    /// the one before reach `body`: `next` looks at the rows just received (cheaply: the last
    /// row's key) and returns the statement that follows, or nil when the chain ends. The server
    /// computes page N + 1 while this thread decodes page N, so a keyset read goes at the pace of
    /// the slower side instead of the sum of both. `body` returns false to stop; a statement
    /// already sent then still runs to its end (the next page, never more) before the rollback.
    public func pages(
        _ first: PostgresQuery, timeout: Duration? = nil, next: ([PostgresRow]) throws -> PostgresQuery?,
        _ body: ([PostgresRow]) throws -> Bool
    ) throws {
        if mode == .readOnly { try ReadOnlyStatementGuard.check(first.sql) }
        try withSession { conn in
            try self.inTransaction(conn) {
                var pending = try self.send(conn, first)
                while true {
                    let rows = try Self.wait(pending, timeout: timeout, endpoint: self.endpoint, closing: conn).rows
                    let following = try next(rows)
                    if let following {
                        if self.mode == .readOnly { try ReadOnlyStatementGuard.check(following.sql) }
                        pending = conn.query(following, logger: Self.logger)
                    }
                    let more = try body(rows)
                    guard let _ = following else { return }
                    if !more {
                        // Let the page already sent finish before the rollback is queued behind it.
                        _ = try? Self.wait(pending, timeout: timeout, endpoint: self.endpoint, closing: conn)
                        return
                    }
                }
            }
        }
    }

    /// Runs a script of SQL statements (separated by `;`, see ``SQLStatementSplitter``), one
    /// after another: the writer's DDL.
    /// - Throws: on a read-only session, always.
    public func execute(_ sql: String, timeout: Duration? = nil) throws {
        guard mode == .writer else {
            throw PostgresStoreError(.readOnlyViolation, "this session is read-only; \(endpoint.redacted) is never written by Rewind's readers")
        }
        let statements = SQLStatementSplitter.split(sql)
        try withSession { conn in
            for statement in statements {
                _ = try self.run(conn, PostgresQuery(unsafeSQL: statement), timeout: timeout)
            }
        }
    }

    // MARK: - Internals

    /// Runs `body` on a live connection (connecting again if the last one was lost).
    func withSession<T: Sendable>(_ body: (PostgresNIO.PostgresConnection) throws -> T) throws -> T {
        if MultiThreadedEventLoopGroup.currentEventLoop != nil {
            throw PostgresStoreError(.unsupported, "PostgresConnection was called from inside an event loop; call it from a worker thread")
        }
        return try current.withLock { conn -> T in
            if conn == nil || conn?.isClosed == true {
                conn = nil
                conn = try open()
            }
            guard let live = conn else { throw PostgresStoreError(.closed, "no connection to \(endpoint.redacted)") }
            do {
                return try body(live)
            } catch let error as PostgresStoreError {
                if error.kind == .connectionLost || error.kind == .timeout {
                    // The session's state is unknown: never reuse it.
                    Self.closeInBackground(live)
                    conn = nil
                }
                throw error
            }
        }
    }

    /// On a read-only session, wraps `body` in `START TRANSACTION READ ONLY … ROLLBACK`.
    private func inTransaction<T>(_ conn: PostgresNIO.PostgresConnection, _ body: () throws -> T) throws -> T {
        guard mode == .readOnly else { return try body() }
        _ = try run(conn, "START TRANSACTION READ ONLY", timeout: nil)
        do {
            let result = try body()
            _ = try run(conn, "ROLLBACK", timeout: nil)
            return result
        } catch {
            if !conn.isClosed { _ = try? run(conn, "ROLLBACK", timeout: connectTimeout) }
            throw error
        }
    }

    private func open() throws -> PostgresNIO.PostgresConnection {
        var config: PostgresNIO.PostgresConnection.Configuration
        switch endpoint.address {
        case .tcp(let host, let port):
            config = .init(host: host, port: port, username: endpoint.user, password: endpoint.password,
                           database: endpoint.database, tls: try Self.tls(for: endpoint))
        case .unixSocket:
            config = .init(unixSocketPath: endpoint.address.socketPath ?? "", username: endpoint.user,
                           password: endpoint.password, database: endpoint.database)
        }
        let ns = connectTimeout.components.seconds * 1_000_000_000 + connectTimeout.components.attoseconds / 1_000_000_000
        config.options.connectTimeout = .nanoseconds(max(1, ns))
        config.options.additionalStartupParameters = [("application_name", endpoint.url.applicationName ?? "rewind")]
        let id = Self.ids.add(1, ordering: .relaxed).newValue
        let future = PostgresNIO.PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: config, id: id, logger: Self.logger)
        let conn: PostgresNIO.PostgresConnection
        do {
            conn = try Self.wait(future, timeout: connectTimeout, endpoint: endpoint, connecting: true)
        } catch let error as PostgresStoreError where error.kind == .timeout {
            future.whenSuccess { Self.closeInBackground($0) }
            throw error
        }
        if mode == .readOnly {
            do {
                _ = try run(conn, "SET default_transaction_read_only = on", timeout: connectTimeout)
                // The check, and JIT off in the same round trip (where the server has JIT): Rewind's
                // statements are index probes and keyset pages, which the planner's cost estimates
                // over a large table send to JIT compilation that costs more than it saves (0.6 s of
                // the 3.5 s stream list at 10 M events).
                let rows = try run(
                    conn,
                    "SELECT current_setting('default_transaction_read_only'), (SELECT set_config('jit', 'off', false) FROM pg_settings WHERE name = 'jit')",
                    timeout: connectTimeout
                ).rows
                var cells = rows.first?.makeIterator()
                guard let cell = cells?.next(), RowDecoder.text(cell) == "on" else {
                    throw PostgresStoreError(.readOnlyViolation, "the server at \(endpoint.redacted) did not make the session read-only; Rewind does not read over a writable session")
                }
            } catch {
                Self.closeInBackground(conn)
                throw error is PostgresStoreError ? error : PostgresErrorMapping.map(error, endpoint: endpoint)
            }
        }
        return conn
    }

    /// Runs one statement on `conn` and waits for all its rows: a closed connection fails at
    /// once (`send`), and a close while waiting fails the wait shortly after (`wait`).
    private func run(_ conn: PostgresNIO.PostgresConnection, _ query: PostgresQuery, timeout: Duration?) throws -> PostgresQueryResult {
        try Self.wait(send(conn, query), timeout: timeout, endpoint: endpoint, closing: conn)
    }

    /// Writes `query` to `conn`, or fails at once when `conn` is closed: postgres-nio drops (never
    /// completes) a statement written to a closed connection.
    private func send(_ conn: PostgresNIO.PostgresConnection, _ query: PostgresQuery) throws -> EventLoopFuture<PostgresQueryResult> {
        if conn.isClosed { throw Self.lost(endpoint) }
        return conn.query(query, logger: Self.logger)
    }

    /// The error of a statement whose connection was lost.
    static func lost(_ endpoint: PostgresEndpoint) -> PostgresStoreError {
        PostgresStoreError(.connectionLost, "the connection to \(endpoint.redacted) was lost; the next request reconnects")
    }

    static func tls(for endpoint: PostgresEndpoint) throws -> PostgresNIO.PostgresConnection.Configuration.TLS {
        var config = TLSConfiguration.makeClientConfiguration()
        if let root = endpoint.url.sslRootCertificate { config.trustRoots = .file(root) }
        do {
            switch endpoint.sslMode {
            case .disable:
                return .disable
            case .allow, .prefer:
                config.certificateVerification = .none
                return .prefer(try NIOSSLContext(configuration: config))
            case .require:
                config.certificateVerification = .none
                return .require(try NIOSSLContext(configuration: config))
            case .verifyCA:
                config.certificateVerification = .noHostnameVerification
                return .require(try NIOSSLContext(configuration: config))
            case .verifyFull:
                config.certificateVerification = .fullVerification
                return .require(try NIOSSLContext(configuration: config))
            }
        } catch {
            throw PostgresStoreError(.tls, "cannot set up TLS for \(endpoint.redacted) (sslmode=\(endpoint.sslMode.rawValue)): \(error)")
        }
    }

    /// Blocks until `future` completes, or `timeout` passes (then throws `.timeout`), or
    /// `connection` has been closed for `lostGrace` without an answer (then `.connectionLost`).
    ///
    /// The closed connection is noticed by looking every `lostPoll`, not by a callback on its
    /// close future: such a callback lives until the connection closes and keeps what it
    /// captured, so one per statement on a long session (a dashboard polling, a whole-table
    /// read of 500 pages) kept every page's rows alive: 5.6 GB at 10 M events.
    static func wait<T: Sendable>(
        _ future: EventLoopFuture<T>, timeout: Duration?, endpoint: PostgresEndpoint, connecting: Bool = false,
        closing connection: PostgresNIO.PostgresConnection? = nil
    ) throws -> T {
        let box = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        future.whenComplete { result in
            box.withLock { $0 = result }
            done.signal()
        }
        let deadline = timeout.map { timeout in
            let ns = Int(min(Int64(Int.max / 2), timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000))
            return DispatchTime.now() + .nanoseconds(max(0, ns))
        }
        var closedAt: DispatchTime?
        while true {
            var until = deadline ?? .distantFuture
            if connection != nil { until = min(until, .now() + lostPoll) }
            if done.wait(timeout: until) == .success { break }
            let now = DispatchTime.now()
            if let deadline, now >= deadline {
                throw PostgresStoreError(
                    .timeout,
                    connecting
                        ? "connecting to \(endpoint.redacted) timed out after \(timeout ?? .zero); is the server at \(endpoint.place) answering?"
                        : "the server at \(endpoint.redacted) did not answer within \(timeout ?? .zero)")
            }
            if let connection, connection.isClosed {
                // The statement's own error gets the first chance to arrive.
                guard let since = closedAt else { closedAt = now; continue }
                if now >= since + lostGrace { throw lost(endpoint) }
            }
        }
        guard let result = box.withLock({ value in defer { value = nil }; return value }) else {
            throw PostgresStoreError(.closed, "no answer from \(endpoint.redacted)")
        }
        switch result {
        case .success(let value): return value
        case .failure(let error): throw PostgresErrorMapping.map(error, endpoint: endpoint)
        }
    }
}
