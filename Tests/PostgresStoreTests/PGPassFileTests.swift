import Foundation
import Platform
import Testing
@testable import PostgresStore

@Suite struct PGPassFileTests {
    @Test func firstMatchingLineWinsAndStarMatchesAnything() {
        let file = PGPassFile(text: """
            # a comment line
            db.example.com:5432:events:alice:first
            db.example.com:5432:events:alice:second
            *:*:*:bob:bobs
            localhost:*:*:*:local

            """)
        #expect(file.password(host: "db.example.com", port: 5432, database: "events", user: "alice") == "first")
        #expect(file.password(host: "anywhere", port: 1, database: "x", user: "bob") == "bobs")
        #expect(file.password(host: "localhost", port: 7, database: "y", user: "carol") == "local")
        #expect(file.password(host: "db.example.com", port: 5433, database: "events", user: "alice") == nil)
        #expect(file.password(host: "other", port: 5432, database: "events", user: "alice") == nil)
    }

    @Test func backslashEscapesColonsAndBackslashesInEveryField() {
        let file = PGPassFile(text: #"h\:x:5432:d\\b:u:pa\:ss\\w\ord:ignored"# + "\n")
        #expect(file.password(host: "h:x", port: 5432, database: #"d\b"#, user: "u") == #"pa:ss\word"#)
    }

    @Test func shortAndCommentLinesAreSkipped() {
        let file = PGPassFile(text: "h:5432:d:u\n#h:5432:d:u:commented\r\nh:5432:d:u:real\r\n")
        #expect(file.password(host: "h", port: 5432, database: "d", user: "u") == "real")
    }

    @Test func fileReadableByGroupOrWorldIsIgnoredAsLibpqDoes() throws {
        let dir = try FileSystem.makeTemporaryDirectory(prefix: "rewind-pgpass")
        defer { try? FileSystem.removeTree(dir) }
        let path = dir + "/pgpass"
        try "*:*:*:*:sesame\n".write(toFile: path, atomically: false, encoding: .utf8)
        let env = ["PGPASSFILE": path]
        let url = try PostgresURL(parsing: "postgresql://u@h/d")

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let open = PostgresEndpoint(url: url, environment: { env[$0] })
        #expect(open.password == nil)
        #expect(open.warnings.count == 1)
        #expect(open.warnings.first?.contains("group or world access") == true)

        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let closed = PostgresEndpoint(url: url, environment: { env[$0] })
        #expect(closed.password == "sesame")
        #expect(closed.warnings.isEmpty)

        // PGPASSWORD comes before the file; the URL before both.
        let both = PostgresEndpoint(url: url, environment: { ["PGPASSFILE": path, "PGPASSWORD": "env"][$0] })
        #expect(both.password == "env")
    }

    @Test func directoryInsteadOfFileIsIgnored() throws {
        let dir = try FileSystem.makeTemporaryDirectory(prefix: "rewind-pgpass")
        defer { try? FileSystem.removeTree(dir) }
        if case .ignored(let warning) = PGPassFile.load(path: dir) {
            #expect(warning.contains("not a regular file"))
        } else {
            Issue.record("a directory was not ignored")
        }
        if case .absent = PGPassFile.load(path: dir + "/missing") {} else { Issue.record("a missing file is not .absent") }
    }

    @Test func socketInTheDefaultDirectoryMatchesAsLocalhost() throws {
        let dir = try FileSystem.makeTemporaryDirectory(prefix: "rewind-pgpass")
        defer { try? FileSystem.removeTree(dir) }
        let path = dir + "/pgpass"
        try "localhost:5432:d:u:viasocket\n/tmp/other:5432:d:u:otherdir\n".write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let env = ["PGPASSFILE": path]
        let viaDefault = PostgresEndpoint(url: try PostgresURL(parsing: "postgresql://u@/d"), environment: { env[$0] })
        #expect(viaDefault.password == "viasocket")
        let viaOther = PostgresEndpoint(url: try PostgresURL(parsing: "postgresql://u@/d?host=/tmp/other"), environment: { env[$0] })
        #expect(viaOther.password == "otherdir")
    }
}
