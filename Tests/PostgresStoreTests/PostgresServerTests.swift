import Foundation
import PostgresHarness
import Testing
@testable import PostgresStore

@Suite struct PostgresServerTests {
    @Test func harnessStartsAServerAndStopRemovesIt() throws {
        let server = try PostgresServer.start()
        #expect(server.port != 5432)
        #expect(server.isRunning)
        #expect(FileManager.default.fileExists(atPath: server.socketDirectory + "/.s.PGSQL.\(server.port)"))
        let db = try server.createDatabase("harness")
        #expect(try server.psql("SELECT current_database()", database: db).contains(db))
        server.stop()
        #expect(!server.isRunning)
        #expect(!FileManager.default.fileExists(atPath: server.directory))
    }
}
