import Foundation
import Testing

/// Rows' histories from Debezium through the real binary: import, then the generic fold's
/// state of the row at each version.
@Suite("rewind import --format debezium: rows' histories")
struct DebeziumRowsCLITests {
    static func change(_ op: String, before: String, after: String, lsn: Int, tsMs: Int64) -> String {
        #"{"schema":{"type":"struct","optional":false,"name":"shop.public.orders.Envelope"},"payload":{"before":\#(before),"after":\#(after),"source":{"connector":"postgresql","name":"shop","ts_ms":\#(tsMs),"snapshot":"false","db":"shop","schema":"public","table":"orders","txId":\#(lsn),"lsn":\#(lsn)},"op":"\#(op)","ts_ms":\#(tsMs + 40)}}"#
    }

    static func order(_ status: String) -> String { #"{"id":42,"status":"\#(status)","total_cents":4200}"# }

    static let history = [
        change("c", before: "null", after: order("NEW"), lsn: 100, tsMs: 1_768_471_200_000),
        change("u", before: order("NEW"), after: order("PAID"), lsn: 200, tsMs: 1_768_471_260_000),
        change("u", before: order("PAID"), after: order("SHIPPED"), lsn: 300, tsMs: 1_768_474_800_000),
        change("d", before: order("SHIPPED"), after: "null", lsn: 400, tsMs: 1_768_561_200_000),
        "null",
    ].joined(separator: "\n") + "\n"

    @Test func theFoldShowsTheRowAtEveryVersion() throws {
        let dir = ScratchDirectory()
        let log = dir.file("shop")
        #expect(try CLIRunner.rewind(["init", log]).status == 0)
        let imported = try CLIRunner.rewind(["import", log, "-", "--format", "debezium"], stdin: Self.history)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("imported 4 events into 1 stream"))
        #expect(imported.stderr.contains("1 × a tombstone"))
        var statuses: [String] = []
        for version in 1...4 {
            let r = try CLIRunner.rewind(["state", log, "orders-42", "--version", String(version), "--json"])
            #expect(r.status == 0, "\(r.stderr)")
            statuses.append(r.stdout)
        }
        #expect(statuses == [
            #"{"id":42,"status":"NEW","total_cents":4200}"# + "\n",
            #"{"id":42,"status":"PAID","total_cents":4200}"# + "\n",
            #"{"id":42,"status":"SHIPPED","total_cents":4200}"# + "\n",
            #"{"id":42,"status":"SHIPPED","total_cents":4200}"# + "\n",
        ])
        let human = try CLIRunner.rewind(["state", log, "orders-42", "--version", "2"])
        #expect(human.lines.first?.hasPrefix("orders-42 @ version 2 of 4 · OrdersRowUpdated at 2026-01-15T10:01:00.000Z") == true, "\(human.stdout)")
        let again = try CLIRunner.rewind(["import", log, "-", "--format", "debezium"], stdin: Self.history)
        #expect(again.status == 0 && again.stderr.contains("nothing new"), "\(again.stderr)")
    }

    @Test func aMissingKeyIsAnErrorNamingKeyColumns() throws {
        let dir = ScratchDirectory()
        let log = dir.file("shop")
        #expect(try CLIRunner.rewind(["init", log]).status == 0)
        let line = Self.change("c", before: "null", after: #"{"order_id":42,"line_no":1}"#, lsn: 1, tsMs: 1_768_471_200_000)
        let r = try CLIRunner.rewind(["import", log, "-", "--format", "debezium"], stdin: line + "\n")
        #expect(r.status == 1 && r.stderr.contains("--key-columns") && r.stderr.contains("order_id, line_no"), "\(r.stderr)")
        #expect(r.stderr.contains("run again with: --key-columns order_id"), "\(r.stderr)")
        let keyed = try CLIRunner.rewind(["import", log, "-", "--format", "debezium", "--key-columns", "order_id,line_no"], stdin: line + "\n")
        #expect(keyed.status == 0, "\(keyed.stderr)")
        let streams = try CLIRunner.rewind(["streams", log])
        #expect(streams.stdout.contains("orders-42,1"), "\(streams.stdout)")
        let misuse = try CLIRunner.rewind(["import", log, "-", "--format", "kcat", "--key-columns", "id"], stdin: "")
        #expect(misuse.status == 64 && misuse.stderr.contains("--key-columns applies to --format debezium only"))
    }
}
