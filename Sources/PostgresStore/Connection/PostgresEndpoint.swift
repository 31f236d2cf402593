import Platform

/// A ``PostgresURL`` with every gap filled the way libpq fills it: where to connect, as whom,
/// with which password and TLS.
///
/// Order, as libpq: the URL, then `PGHOST`/`PGPORT`/`PGUSER`/`PGDATABASE`/`PGSSLMODE`, then the
/// defaults (the Unix socket in `/var/run/postgresql`, port 5432, the login name, a database
/// named after the user). The password: the URL, else `PGPASSWORD`, else the password file
/// (`PGPASSFILE` or `~/.pgpass`, see ``PGPassFile``).
public struct PostgresEndpoint: Sendable, CustomStringConvertible {
    /// Where the server listens.
    public enum Address: Sendable, Equatable {
        case tcp(host: String, port: Int)
        /// The socket file `<directory>/.s.PGSQL.<port>`.
        case unixSocket(directory: String, port: Int)

        public var socketPath: String? {
            if case .unixSocket(let dir, let port) = self { return dir + "/.s.PGSQL.\(port)" }
            return nil
        }
    }

    /// libpq's default socket directory on Debian.
    public static let defaultSocketDirectory = "/var/run/postgresql"

    public var url: PostgresURL
    public var address: Address
    public var user: String
    /// Kept out of ``description`` and every message.
    var password: String?
    public var database: String
    public var sslMode: PostgresSSLMode
    /// Warnings met while resolving (a password file ignored for its permissions…).
    public var warnings: [String] = []

    /// Whether a password was found anywhere (the password itself is not readable from outside).
    public var hasPassword: Bool { password != nil }

    /// Fills the gaps of `url`.
    /// - Parameter environment: looks up an environment variable (the process's by default;
    ///   tests pass a dictionary).
    public init(url: PostgresURL, environment: (String) -> String? = CurrentProcess.environment) {
        self.url = url
        func env(_ name: String) -> String? {
            guard let v = environment(name), !v.isEmpty else { return nil }
            return v
        }
        let port = url.port ?? env("PGPORT").flatMap { Int($0) }.flatMap { (1...65535).contains($0) ? $0 : nil } ?? 5432
        let host = url.host ?? env("PGHOST") ?? Self.defaultSocketDirectory
        address = host.hasPrefix("/") ? .unixSocket(directory: host, port: port) : .tcp(host: host, port: port)
        user = url.user ?? env("PGUSER") ?? env("USER") ?? env("LOGNAME") ?? "postgres"
        database = url.database ?? env("PGDATABASE") ?? user
        sslMode = url.sslMode ?? env("PGSSLMODE").flatMap(PostgresSSLMode.init(rawValue:)) ?? .prefer
        if let p = url.password {
            password = p
        } else if let p = environment("PGPASSWORD") {
            password = p
        } else if let path = env("PGPASSFILE") ?? env("HOME").map({ $0 + "/.pgpass" }) {
            switch PGPassFile.load(path: path) {
            case .absent: break
            case .ignored(let warning): warnings.append(warning)
            case .loaded(let file):
                // libpq matches a connection over the default socket directory as "localhost".
                let matchHost = host == Self.defaultSocketDirectory ? "localhost" : host
                password = file.password(host: matchHost, port: port, database: database, user: user)
            }
        }
    }

    /// Where the server is, for messages: `host:port` or the socket path (percent-encoded
    /// where the text is not plain ASCII, so it prints as it reads).
    public var place: String {
        switch address {
        case .tcp(let host, let port):
            host.contains(":") ? "[\(PostgresURL.printable(host, keeping: ":"))]:\(port)" : "\(PostgresURL.printable(host)):\(port)"
        case .unixSocket: PostgresURL.printable(address.socketPath ?? "", keeping: "/")
        }
    }

    /// `user@place/database`, never the password: what every message and log line shows.
    public var redacted: String {
        PostgresURL.printable(user) + "@" + place + "/" + PostgresURL.printable(database)
    }

    public var description: String { redacted }
}
