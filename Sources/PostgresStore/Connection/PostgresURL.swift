/// A parsed `postgresql://` (or `postgres://`) URL, as libpq reads one, plus Rewind's `schema`.
///
/// `postgresql://[user[:password]@][host][:port][/database][?name=value&…]`. Every component is
/// percent-decoded. The host may be a bracketed IPv6 address, or a Unix-socket directory given
/// percent-encoded (`%2Fvar%2Frun%2Fpostgresql`) or as `?host=/path`, as libpq allows. What the
/// URL leaves out is filled later by ``PostgresEndpoint`` (environment, `~/.pgpass`, libpq's
/// defaults), so parsing is a pure function of the text.
///
/// The text is untrusted: parsing never traps, whatever the bytes, and errors quote the text only
/// through ``redacted`` pieces, never the password.
public struct PostgresURL: Sendable, Equatable {
    /// The user name, if the URL gives one.
    public var user: String?
    /// The password, if the URL gives one. Never printed: see ``redacted``.
    public var password: String?
    /// A host name or address (`nil`: the default), or a Unix-socket directory (starts with `/`).
    public var host: String?
    /// The port, if the URL gives one.
    public var port: Int?
    /// The database name, if the URL gives one.
    public var database: String?
    /// Rewind's own `?schema=NAME`: where the event tables live (default: found by looking).
    public var schema: String?
    /// TLS as libpq's `sslmode` says; `nil` means libpq's default, `prefer`.
    public var sslMode: PostgresSSLMode?
    /// `?sslrootcert=PATH`: the certificates that verify the server (verify-ca, verify-full).
    public var sslRootCertificate: String?
    /// `?connect_timeout=SECONDS`.
    public var connectTimeoutSeconds: Int?
    /// `?application_name=NAME`, shown in `pg_stat_activity`.
    public var applicationName: String?

    /// The query parameters this parser understands; any other is an error that lists these.
    public static let supportedParameters = [
        "host", "port", "user", "password", "dbname", "schema", "sslmode", "sslrootcert",
        "connect_timeout", "application_name",
    ]

    public init(
        user: String? = nil, password: String? = nil, host: String? = nil, port: Int? = nil,
        database: String? = nil, schema: String? = nil, sslMode: PostgresSSLMode? = nil
    ) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
        self.schema = schema
        self.sslMode = sslMode
    }

    /// True when `text` starts like a PostgreSQL URL (so a command knows a path from a URL).
    public static func looksLikeURL(_ text: String) -> Bool {
        let lower = text.prefix(14).lowercased()
        return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
    }

    /// Parses `text`.
    /// - Throws: ``PostgresStoreError`` (`.invalidURL`) saying which part is wrong.
    public init(parsing text: String) throws {
        let bytes = Array(text.utf8)
        var rest: ArraySlice<UInt8>
        if let r = Self.dropScheme(bytes, "postgresql://") ?? Self.dropScheme(bytes, "postgres://") {
            rest = r
        } else {
            throw PostgresStoreError.invalidURL("it does not start with postgresql:// or postgres://")
        }
        if rest.contains(UInt8(ascii: "#")) {
            throw PostgresStoreError.invalidURL("it has a fragment (#…); a '#' in a password must be written %23")
        }
        var queryPart: ArraySlice<UInt8> = []
        if let q = rest.firstIndex(of: UInt8(ascii: "?")) {
            queryPart = rest[(q + 1)...]
            rest = rest[..<q]
        }
        var authority = rest
        var pathPart: ArraySlice<UInt8>?
        // The authority ends at the first '/' after the credentials (a password may hold '/'
        // only percent-encoded, as in libpq).
        if let slash = rest.firstIndex(of: UInt8(ascii: "/")) {
            authority = rest[..<slash]
            pathPart = rest[(slash + 1)...]
        }
        if let at = authority.lastIndex(of: UInt8(ascii: "@")) {
            let userInfo = authority[..<at]
            authority = authority[(at + 1)...]
            if let colon = userInfo.firstIndex(of: UInt8(ascii: ":")) {
                user = try Self.decode(userInfo[..<colon], "user name")
                password = try Self.decode(userInfo[(colon + 1)...], "password")
            } else {
                user = try Self.decode(userInfo, "user name")
            }
            if user == "" { user = nil }
        }
        try parseHostAndPort(authority)
        if let pathPart, !pathPart.isEmpty {
            database = try Self.decode(pathPart, "database name")
        }
        try parseQuery(queryPart)
    }

    private static func dropScheme(_ bytes: [UInt8], _ scheme: String) -> ArraySlice<UInt8>? {
        let s = Array(scheme.utf8)
        guard bytes.count >= s.count else { return nil }
        // ASCII case-insensitive for the letters; ':' and '/' must match exactly.
        for (i, c) in s.enumerated() {
            let b = bytes[i]
            let same = (c >= 0x61 && c <= 0x7A) ? (b | 0x20) == c : b == c
            if !same { return nil }
        }
        return bytes[s.count...]
    }

    private mutating func parseHostAndPort(_ authority: ArraySlice<UInt8>) throws {
        guard !authority.isEmpty else { return }
        if authority.contains(UInt8(ascii: ",")) {
            throw PostgresStoreError.invalidURL("it names several hosts; Rewind connects to one")
        }
        var hostBytes = authority
        var portBytes: ArraySlice<UInt8>?
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else {
                throw PostgresStoreError.invalidURL("an IPv6 host has no closing ']'")
            }
            hostBytes = authority[(authority.startIndex + 1)..<close]
            let after = authority[(close + 1)...]
            if let first = after.first {
                guard first == UInt8(ascii: ":") else {
                    throw PostgresStoreError.invalidURL("unexpected text after the IPv6 host's ']'")
                }
                portBytes = after.dropFirst()
            }
            if hostBytes.isEmpty { throw PostgresStoreError.invalidURL("the IPv6 host is empty") }
        } else if let colon = authority.firstIndex(of: UInt8(ascii: ":")) {
            hostBytes = authority[..<colon]
            portBytes = authority[(colon + 1)...]
        }
        let decodedHost = try Self.decode(hostBytes, "host")
        host = decodedHost.isEmpty ? nil : decodedHost
        if let portBytes, !portBytes.isEmpty {
            port = try Self.parsePort(portBytes)
        }
    }

    private mutating func parseQuery(_ query: ArraySlice<UInt8>) throws {
        for pair in query.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            guard let eq = pair.firstIndex(of: UInt8(ascii: "=")) else {
                throw PostgresStoreError.invalidURL("a query parameter has no '=' (name=value)")
            }
            let name = try Self.decode(pair[..<eq], "parameter name")
            let value = try Self.decode(pair[(eq + 1)...], "value of \(Self.printable(name))")
            switch name {
            case "host": host = value.isEmpty ? nil : value
            case "port": port = try Self.parsePort(ArraySlice(value.utf8))
            case "user": user = value.isEmpty ? nil : value
            case "password": password = value
            case "dbname": database = value.isEmpty ? nil : value
            case "schema":
                guard !value.isEmpty else { throw PostgresStoreError.invalidURL("schema= is empty") }
                schema = value
            case "sslmode":
                guard let mode = PostgresSSLMode(rawValue: value) else {
                    throw PostgresStoreError.invalidURL(
                        "sslmode=\(Self.printable(value)) is not one of "
                            + PostgresSSLMode.allCases.map(\.rawValue).joined(separator: ", "))
                }
                sslMode = mode
            case "sslrootcert": sslRootCertificate = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds >= 0, seconds <= 86_400 else {
                    throw PostgresStoreError.invalidURL("connect_timeout=\(Self.printable(value)) is not a number of seconds")
                }
                connectTimeoutSeconds = seconds
            case "application_name": applicationName = value
            default:
                throw PostgresStoreError.invalidURL(
                    "the parameter \(Self.printable(name)) is not supported (supported: "
                        + Self.supportedParameters.joined(separator: ", ") + ")")
            }
        }
    }

    private static func parsePort(_ bytes: ArraySlice<UInt8>) throws -> Int {
        guard bytes.count <= 5, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let n = Int(String(decoding: bytes, as: UTF8.self)), (1...65535).contains(n)
        else {
            throw PostgresStoreError.invalidURL("the port is not a number from 1 to 65535")
        }
        return n
    }

    /// Percent-decodes one component; the result must be UTF-8 without NUL (libpq's rule).
    static func decode(_ bytes: ArraySlice<UInt8>, _ what: String) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "%") {
                guard bytes.endIndex - i >= 3,
                      let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2])
                else {
                    throw PostgresStoreError.invalidURL("the \(what) has a bad percent-escape (a '%' must be followed by two hex digits)")
                }
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(b)
                i += 1
            }
        }
        if out.contains(0) { throw PostgresStoreError.invalidURL("the \(what) contains a NUL byte (%00)") }
        guard let s = String(validating: out, as: UTF8.self) else {
            throw PostgresStoreError.invalidURL("the \(what) is not UTF-8 once percent-decoded")
        }
        return s
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x41...0x46: b - 0x41 + 10
        case 0x61...0x66: b - 0x61 + 10
        default: nil
        }
    }

    /// `text` percent-encoded so it is printable ASCII and cannot be read as URL syntax.
    /// - Parameter keeping: ASCII characters left as they are besides the unreserved ones.
    static func printable(_ text: String, keeping: String = "") -> String {
        var out = ""
        let kept = Set(keeping.utf8)
        for b in text.utf8 {
            let c = Character(Unicode.Scalar(b))
            if kept.contains(b) || (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "~")
            {
                out.append(c)
            } else {
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 15)])
            }
        }
        return out
    }

    /// The URL as it can be shown and logged: everything but the password, which is left out
    /// entirely (not masked), so no message or log line can carry it.
    public var redacted: String {
        var s = "postgresql://"
        if let user { s += Self.printable(user) + "@" }
        if let host, !host.hasPrefix("/") {
            s += host.contains(":") ? "[" + Self.printable(host, keeping: ":") + "]" : Self.printable(host)
        }
        if let port { s += ":\(port)" }
        s += "/"
        if let database { s += Self.printable(database) }
        var query: [String] = []
        if let host, host.hasPrefix("/") { query.append("host=" + Self.printable(host, keeping: "/")) }
        if let schema { query.append("schema=" + Self.printable(schema)) }
        if let sslMode { query.append("sslmode=" + sslMode.rawValue) }
        if !query.isEmpty { s += "?" + query.joined(separator: "&") }
        return s
    }
}

extension PostgresURL: CustomStringConvertible, CustomDebugStringConvertible {
    /// The ``redacted`` form: interpolating a URL into a message can never leak the password.
    public var description: String { redacted }
    public var debugDescription: String { redacted }
}
