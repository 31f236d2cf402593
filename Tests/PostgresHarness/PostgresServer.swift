import Foundation
import Glibc
import Synchronization
import TmuxHarness

/// A throwaway PostgreSQL server for tests: its own data directory, a private Unix-socket
/// directory and a free loopback port (never 5432), stopped and deleted when the process exits.
///
/// One server per test process (``shared()``, started lazily under a lock) serves every suite,
/// so `swift test` pays for `initdb` once. Each test makes its own database
/// (``createDatabase(_:)``). As root, the server runs as the `postgres` user (`runuser`), with
/// its directory owned by it. Superuser `rewind` has ``password``: TCP connections must give it
/// (scram-sha-256); socket connections are trusted, for the harness's own `psql`.
///
/// A server left behind by a test process that was killed is stopped and removed by the next
/// start (its directory records the owner's pid).
public final class PostgresServer: Sendable {
    public let directory: String
    public let dataDirectory: String
    /// The Unix-socket directory (the socket is `.s.PGSQL.<port>` inside).
    public let socketDirectory: String
    public let port: Int
    public let superuser = "rewind"
    public let password: String
    let binaries: String
    let runAs: [String]

    private static let sharedServer = Mutex<Result<PostgresServer, PostgresHarnessError>?>(nil)
    private static let running = Mutex<[PostgresServer]>([])

    /// The process's server, started on first use.
    public static func shared() throws -> PostgresServer {
        try sharedServer.withLock { state in
            if state == nil {
                do { state = .success(try PostgresServer.start()) } catch let e as PostgresHarnessError {
                    state = .failure(e)
                } catch { state = .failure(PostgresHarnessError("\(error)")) }
            }
            guard let state else { throw PostgresHarnessError("the shared server was not started") }
            return try state.get()
        }
    }

    /// Starts a new server (tests of the harness itself; others use ``shared()``).
    public static func start() throws -> PostgresServer {
        let bin = try binDirectory()
        removeAbandonedServers(bin: bin)
        var lastError = PostgresHarnessError("no attempt")
        for _ in 0..<3 {
            do {
                let server = try PostgresServer(bin: bin)
                running.withLock { $0.append(server) }
                registerExitHandler()
                return server
            } catch let e as PostgresHarnessError {
                lastError = e
                if !e.portTaken { throw e }
            }
        }
        throw lastError
    }

    private init(bin: String) throws {
        binaries = bin
        var template = Array("/tmp/rewind-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw PostgresHarnessError("cannot make a temporary directory: errno \(errno)") }
        directory = String(cString: made)
        dataDirectory = directory + "/data"
        socketDirectory = directory
        password = "pw-" + UUID().uuidString.prefix(12).lowercased()
        port = try Self.freePort()
        let asRoot = geteuid() == 0
        runAs = asRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []
        do {
            try "\(getpid())\n".write(toFile: directory + "/owner.pid", atomically: false, encoding: .utf8)
            try password.write(toFile: directory + "/pwfile", atomically: false, encoding: .utf8)
            if asRoot {
                guard let pw = getpwnam("postgres") else {
                    throw PostgresHarnessError("running as root needs the 'postgres' user (apt-get install postgresql creates it)")
                }
                for path in [directory, directory + "/pwfile"] where chown(path, pw.pointee.pw_uid, pw.pointee.pw_gid) != 0 {
                    throw PostgresHarnessError("chown \(path) failed: errno \(errno)")
                }
            }
            try run("initdb", ["-D", dataDirectory, "-U", superuser, "--pwfile=" + directory + "/pwfile",
                               "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale", "-N"])
            let options = "-p \(port) -k \(socketDirectory) -c listen_addresses=127.0.0.1 -c fsync=off "
                + "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
            try run("pg_ctl", ["-D", dataDirectory, "-l", directory + "/server.log", "-W", "-o", options, "start"])
            try waitUntilReady()
        } catch {
            stop()
            throw error
        }
    }

    /// Polls `pg_isready` until the server accepts connections (30 s at most).
    private func waitUntilReady() throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let r = try Spawn.run(binaries + "/pg_isready", ["-h", socketDirectory, "-p", "\(port)", "-q"], environment: Self.environment)
            if r.status == 0 { return }
            let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
            if log.contains("could not bind") || log.contains("Address already in use") {
                throw PostgresHarnessError("port \(port) was taken", portTaken: true)
            }
            // pg_isready's own probes log "the database system is starting up"; any other
            // FATAL means the server gave up.
            let fatal = log.split(separator: "\n").contains { $0.contains("FATAL") && !$0.contains("starting up") && !$0.contains("not yet accepting") }
            if fatal { throw PostgresHarnessError("the server did not start:\n\(log)") }
            usleep(50_000)
        }
        throw PostgresHarnessError("the server did not become ready within 30 s; its log:\n" + ((try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""))
    }

    /// Stops the server (immediately: it holds nothing worth keeping) and deletes its directory.
    public func stop() {
        if FileManager.default.fileExists(atPath: dataDirectory + "/postmaster.pid") {
            _ = try? run("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"])
        }
        try? FileManager.default.removeItem(atPath: directory)
        Self.running.withLock { $0.removeAll { $0 === self } }
    }

    /// Whether the server's postmaster is still there.
    public var isRunning: Bool {
        (try? Spawn.run(binaries + "/pg_isready", ["-h", socketDirectory, "-p", "\(port)", "-q"], environment: Self.environment).status) == 0
    }

    /// A URL for `database` as `user` over TCP on 127.0.0.1 (the superuser and its password by default).
    public func url(database: String, user: String? = nil, password: String? = nil) -> String {
        let u = user ?? superuser
        let p = password ?? (user == nil ? self.password : nil)
        let credentials = p.map { "\(u):\(Self.encode($0))" } ?? u
        return "postgresql://\(credentials)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// A URL for `database` over the Unix socket (trusted: no password).
    public func socketURL(database: String, user: String? = nil) -> String {
        "postgresql://\(user ?? superuser)@/\(database)?host=\(socketDirectory)&port=\(port)"
    }

    /// Creates a database with a unique name starting with `prefix`, and returns the name.
    public func createDatabase(_ prefix: String) throws -> String {
        let name = prefix.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" } + "_" + UUID().uuidString.prefix(8).lowercased()
        _ = try psql("CREATE DATABASE \(name)", database: "postgres")
        return name
    }

    /// Runs SQL with psql over the socket as the superuser; returns psql's unaligned output.
    @discardableResult
    public func psql(_ sql: String, database: String) throws -> String {
        let r = try Spawn.run(binaries + "/psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socketDirectory,
                                                   "-p", "\(port)", "-U", superuser, "-d", database, "-c", sql],
                              environment: Self.environment)
        guard r.status == 0 else { throw PostgresHarnessError("psql failed (\(r.status)): \(r.stderr)") }
        return r.stdout
    }

    /// Runs one of the server's programs (as `postgres` when we are root).
    @discardableResult
    func run(_ program: String, _ arguments: [String]) throws -> String {
        let argv = runAs + [binaries + "/" + program] + arguments
        let r = try Spawn.run(argv[0], Array(argv.dropFirst()), environment: Self.environment)
        guard r.status == 0 else {
            let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
            let taken = log.contains("could not bind") || log.contains("Address already in use")
            throw PostgresHarnessError("\(program) failed (\(r.status)): \(r.stderr)\(r.stdout)\n\(log)", portTaken: taken)
        }
        return r.stdout
    }

    static let environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C", "LANG": "C"]

    static func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s
    }

    /// Where initdb and postgres are: the newest `/usr/lib/postgresql/N/bin`, else `pg_config --bindir`.
    static func binDirectory() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted(by: >)
        for v in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(v)/bin/initdb") {
            return "\(root)/\(v)/bin"
        }
        if let r = try? Spawn.run("/usr/bin/pg_config", ["--bindir"], environment: environment), r.status == 0 {
            let dir = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            if FileManager.default.isExecutableFile(atPath: dir + "/initdb") { return dir }
        }
        throw PostgresHarnessError(
            "PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin): install Debian's package with `apt-get install postgresql`; the tests start their own server")
    }

    /// A loopback port nobody listens on now (the kernel's choice; never 5432).
    static func freePort() throws -> Int {
        for _ in 0..<10 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw PostgresHarnessError("socket() failed: errno \(errno)") }
            defer { close(fd) }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = 0
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &addr) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
            }
            guard bound else { continue }
            let port = Int(UInt16(bigEndian: addr.sin_port))
            if port != 5432 { return port }
        }
        throw PostgresHarnessError("no free loopback port")
    }

    /// Stops and deletes servers whose test process is gone (killed before its exit handler ran).
    static func removeAbandonedServers(bin: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/tmp") else { return }
        for name in names where name.hasPrefix("rewind-pg-") {
            let dir = "/tmp/" + name
            guard let text = try? String(contentsOfFile: dir + "/owner.pid", encoding: .utf8),
                  let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                  kill(pid, 0) != 0 && errno == ESRCH
            else { continue }
            let asRoot = geteuid() == 0
            let argv = (asRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []) + [bin + "/pg_ctl", "-D", dir + "/data", "-m", "immediate", "-w", "stop"]
            _ = try? Spawn.run(argv[0], Array(argv.dropFirst()), environment: environment)
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    private static let exitHandlerRegistered = Mutex(false)

    private static func registerExitHandler() {
        let first = exitHandlerRegistered.withLock { done in
            defer { done = true }
            return !done
        }
        if first {
            atexit {
                for server in PostgresServer.running.withLock({ $0 }) { server.stop() }
            }
        }
    }
}

/// Why the throwaway server could not be started or used.
public struct PostgresHarnessError: Error, CustomStringConvertible, Sendable {
    public let description: String
    let portTaken: Bool
    init(_ description: String, portTaken: Bool = false) {
        self.description = description
        self.portTaken = portTaken
    }
}
