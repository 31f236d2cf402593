import Testing
@testable import PostgresStore

@Suite struct PostgresURLTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var user: String?
        var password: String?
        var host: String?
        var port: Int?
        var database: String?
        var schema: String? = nil
        var sslMode: PostgresSSLMode? = nil
        var testDescription: String { text }
    }

    static let valid: [Case] = [
        Case(text: "postgresql://alice:secret@db.example.com:6543/events", user: "alice", password: "secret", host: "db.example.com", port: 6543, database: "events"),
        Case(text: "postgres://alice@localhost/events", user: "alice", password: nil, host: "localhost", port: nil, database: "events"),
        Case(text: "POSTGRESQL://bob@h/d", user: "bob", password: nil, host: "h", port: nil, database: "d"),
        Case(text: "postgresql://", user: nil, password: nil, host: nil, port: nil, database: nil),
        Case(text: "postgresql://localhost", user: nil, password: nil, host: "localhost", port: nil, database: nil),
        Case(text: "postgresql://localhost:5433", user: nil, password: nil, host: "localhost", port: 5433, database: nil),
        Case(text: "postgresql:///mydb", user: nil, password: nil, host: nil, port: nil, database: "mydb"),
        Case(text: "postgresql://u:p%40ss%3Aw%2Frd@h/d", user: "u", password: "p@ss:w/rd", host: "h", port: nil, database: "d"),
        Case(text: "postgresql://u:p@ss@h/d", user: "u", password: "p@ss", host: "h", port: nil, database: "d"),
        Case(text: "postgresql://u:@h/d", user: "u", password: "", host: "h", port: nil, database: "d"),
        Case(text: "postgresql://%C3%A9l%C3%A8ve@h/base%20de%20donn%C3%A9es", user: "élève", password: nil, host: "h", port: nil, database: "base de données"),
        Case(text: "postgresql://[::1]:5433/d", user: nil, password: nil, host: "::1", port: 5433, database: "d"),
        Case(text: "postgresql://[2001:db8::7]/d", user: nil, password: nil, host: "2001:db8::7", port: nil, database: "d"),
        Case(text: "postgresql://%2Fvar%2Frun%2Fpostgresql/d", user: nil, password: nil, host: "/var/run/postgresql", port: nil, database: "d"),
        Case(text: "postgresql:///d?host=/tmp/sock&port=7000", user: nil, password: nil, host: "/tmp/sock", port: 7000, database: "d"),
        Case(text: "postgresql://h/d?schema=marten&sslmode=verify-full", user: nil, password: nil, host: "h", port: nil, database: "d", schema: "marten", sslMode: .verifyFull),
        Case(text: "postgresql://h/d?user=carol&password=x%26y&dbname=other", user: "carol", password: "x&y", host: "h", port: nil, database: "other"),
        Case(text: "postgresql://h/d?sslmode=disable&&", user: nil, password: nil, host: "h", port: nil, database: "d", sslMode: .disable),
    ]

    @Test(arguments: valid)
    func validURLParses(_ c: Case) throws {
        let url = try PostgresURL(parsing: c.text)
        #expect(url.user == c.user)
        #expect(url.password == c.password)
        #expect(url.host == c.host)
        #expect(url.port == c.port)
        #expect(url.database == c.database)
        #expect(url.schema == c.schema)
        #expect(url.sslMode == c.sslMode)
    }

    static let invalid: [(String, String)] = [
        ("mysql://h/d", "does not start with"),
        ("postgresql:/h/d", "does not start with"),
        ("", "does not start with"),
        ("postgresql://h:0/d", "port"),
        ("postgresql://h:65536/d", "port"),
        ("postgresql://h:12x/d", "port"),
        ("postgresql://h:99999999999999999999999/d", "port"),
        ("postgresql://h1,h2/d", "several hosts"),
        ("postgresql://[::1/d", "closing"),
        ("postgresql://[::1]x/d", "after the IPv6"),
        ("postgresql://u:%zz@h/d", "percent-escape"),
        ("postgresql://u:%4@h/d", "percent-escape"),
        ("postgresql://h/d%", "percent-escape"),
        ("postgresql://h/d%00x", "NUL"),
        ("postgresql://h/%ff%fe", "not UTF-8"),
        ("postgresql://h/d?sslmode=sometimes", "sslmode"),
        ("postgresql://h/d?nonsense=1", "not supported"),
        ("postgresql://h/d?novalue", "no '='"),
        ("postgresql://h/d?schema=", "schema= is empty"),
        ("postgresql://h/d?connect_timeout=-1", "connect_timeout"),
        ("postgresql://h/d#frag", "fragment"),
    ]

    @Test(arguments: invalid)
    func invalidURLIsRefusedWithTheReason(_ c: (String, String)) {
        #expect {
            _ = try PostgresURL(parsing: c.0)
        } throws: { error in
            guard let e = error as? PostgresStoreError else { return false }
            return e.kind == .invalidURL && e.message.contains(c.1)
        }
    }

    @Test func hostileStringsNeverTrapAndNeverEchoThePassword() {
        let secret = "S3cr3t-p4ss"
        var inputs = [
            "postgresql://u:\(secret)@\u{1B}[31mhost/d", "postgresql://u:\(secret)@h/\u{0}", "postgresql://u:\(secret)@h:/d",
            "postgresql://u:\(secret)@:5/d", "postgresql://u:\(secret)@[]/d", "postgresql://u:\(secret)@h/d?=&=&",
            "postgresql://u:\(secret)@h/d?sslmode=bad", "postgresql://u@h/d?password=\(secret)&sslmode=bad",
            "postgresql://u@h/d?password=\(secret)&nonsense=1", "postgresql://u@h/d?password=\(secret)%zz",
            "postgresql://@@@@", "postgresql://::::", "postgresql://%", "postgresql://%%%%", "postgresql://[",
            "postgresql://]", "postgresql://?", "postgresql://u:\(secret)@h/d?port=\(secret)",
            "postgresql://" + String(repeating: "a", count: 100_000), "postgresql://\u{202E}evil\u{2066}/d",
            "postgresql://u:\(secret)@h/d?host=%ZZ", "postgres://u:\(secret)@h:123456/d",
        ]
        // Every single-byte prefix of a valid URL, and bytes from the whole range.
        let full = "postgresql://u:\(secret)@[::1]:5432/db%20x?schema=s&sslmode=require"
        for i in 0...full.count { inputs.append(String(full.prefix(i))) }
        for b in 0..<128 { inputs.append("postgresql://u:\(secret)@h/d" + String(UnicodeScalar(UInt8(b)))) }
        for input in inputs {
            do {
                let url = try PostgresURL(parsing: input)
                #expect(!url.redacted.contains(secret))
                #expect(!"\(url)".contains(secret))
                #expect(url.redacted.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F })
            } catch let e as PostgresStoreError {
                #expect(!e.message.contains(secret), "message: \(e.message)")
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test func redactedKeepsEverythingButThePassword() throws {
        let url = try PostgresURL(parsing: "postgresql://alice:hunter2@db:6543/events?schema=marten&sslmode=require")
        #expect(url.redacted == "postgresql://alice@db:6543/events?schema=marten&sslmode=require")
        let socket = try PostgresURL(parsing: "postgresql://alice:hunter2@/events?host=/tmp/x")
        #expect(socket.redacted == "postgresql://alice@/events?host=/tmp/x")
        let controls = try PostgresURL(parsing: "postgresql://a%1Bb@h/d%0A")
        #expect(controls.redacted == "postgresql://a%1Bb@h/d%0A")
    }

    @Test func looksLikeURLTellsAURLFromAPath() {
        #expect(PostgresURL.looksLikeURL("postgresql://h/d"))
        #expect(PostgresURL.looksLikeURL("Postgres://h/d"))
        #expect(!PostgresURL.looksLikeURL("./postgres/log"))
        #expect(!PostgresURL.looksLikeURL(""))
    }

    @Test func endpointFillsGapsFromTheEnvironmentLikeLibpq() throws {
        let env = ["PGHOST": "envhost", "PGPORT": "6000", "PGUSER": "envuser", "PGDATABASE": "envdb", "PGPASSWORD": "envpw", "PGSSLMODE": "require"]
        let e = PostgresEndpoint(url: try PostgresURL(parsing: "postgresql://"), environment: { env[$0] })
        #expect(e.address == .tcp(host: "envhost", port: 6000))
        #expect(e.user == "envuser")
        #expect(e.database == "envdb")
        #expect(e.password == "envpw")
        #expect(e.sslMode == .require)
        #expect(!e.redacted.contains("envpw"))

        let urlWins = PostgresEndpoint(url: try PostgresURL(parsing: "postgresql://u:urlpw@h:7/d"), environment: { env[$0] })
        #expect(urlWins.password == "urlpw")
        #expect(urlWins.address == .tcp(host: "h", port: 7))

        let defaults = PostgresEndpoint(url: try PostgresURL(parsing: "postgresql://"), environment: { $0 == "USER" ? "me" : nil })
        #expect(defaults.address == .unixSocket(directory: "/var/run/postgresql", port: 5432))
        #expect(defaults.address.socketPath == "/var/run/postgresql/.s.PGSQL.5432")
        #expect(defaults.user == "me")
        #expect(defaults.database == "me")
        #expect(defaults.sslMode == .prefer)
        #expect(defaults.password == nil)
    }
}
