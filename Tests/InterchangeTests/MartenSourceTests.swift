import EventLog
import Replay
import Testing
@testable import Interchange
import Platform

@Suite("import: Marten mt_events CSV")
struct MartenSourceTests {
    static let header = "seq_id,id,stream_id,version,data,type,timestamp,tenant_id,mt_dotnet_type,correlation_id,causation_id,headers,is_archived"

    @Test func mapsColumnsByTheirHeaderNames() throws {
        let text = #"""
            \#(Self.header)
            1,3f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e5f,account-1,1,"{""owner"": ""Ada, \""the Countess\"""", ""currency"": ""EUR""}",account_opened,2026-01-15 10:00:00+00,*DEFAULT*,"Bank.AccountOpened, Bank",,,,f
            2,4f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e5f,account-1,2,"{""amountCents"": 500}",money_deposited,2026-01-15 11:30:00.123456+01:30,tenant-a,"Bank.MoneyDeposited, Bank",c-1,e-1,"{""user"": ""teller-7""}",t
            """#
        let events = try ImportScratch().records(.marten, text).compactMap(\.event)
        #expect(events.count == 2)
        #expect(events[0].stream == "account-1" && events[0].version == 1 && events[0].type == "account_opened")
        #expect(events[0].data == ["owner": "Ada, \"the Countess\"", "currency": "EUR"])
        #expect(events[0].time == "2026-01-15T10:00:00.000Z")
        #expect(events[0].metadata == ["marten": ["seqId": 1, "tenantId": "*DEFAULT*", "dotnetType": "Bank.AccountOpened, Bank"]])
        #expect(events[1].id == EventID("4f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e5f"))
        #expect(events[1].event.originalMicros == RFC3339.parse("2026-01-15T10:00:00.123456Z"))
        #expect(events[1].metadata["correlationId"] == "c-1" && events[1].metadata["causationId"] == "e-1" && events[1].metadata["user"] == "teller-7")
        #expect(events[1].metadata["marten"]?["archived"] == true)
        #expect(events[1].location == SourceLocation(line: 3, record: "record 2"))
    }

    @Test func columnOrderDoesNotMatterAndExtraColumnsCanNameTheStream() throws {
        let text = """
            type,data,version,stream_type,stream_id,timestamp
            money_deposited,{},1,account,7f3e,2026-01-15 10:00:00.5-03
            """
        let options = try ImportOptions.with(stream: "{column:stream_type}-{column:stream_id}")
        let e = try #require(try ImportScratch().records(.marten, text, options: options).first?.event)
        #expect(e.stream == "account-7f3e" && e.type == "money_deposited" && e.version == 1)
        #expect(e.time == "2026-01-15T13:00:00.500Z")
        // No id column: derived from the stream and version.
        #expect(e.id == EventID.nameBased("marten", "account-7f3e", "1"))
    }

    @Test func typeMappingTurnsSnakeCaseIntoPascalCase() throws {
        var mapping = TypeMapping(letterCase: .pascal)
        #expect(mapping.map("money_deposited") == "MoneyDeposited")
        #expect(mapping.map("account-opened") == "AccountOpened")
        #expect(mapping.map("MoneyDeposited") == "MoneyDeposited")
        try mapping.addRename("money_withdrawn=CashWithdrawn")
        #expect(mapping.map("money_withdrawn") == "CashWithdrawn")
        #expect(throws: ImportUsageError.self) { try mapping.addRename("nothing") }
    }

    @Test func badRecordsNameTheirRecordAndLine() throws {
        let text = """
            \(Self.header)
            1,,account-1,1,"{""a"":
            1}",a,2026-01-15 10:00:00+00,*DEFAULT*,T,,,,f
            2,,account-1,2,{not json},b,2026-01-15 10:00:00+00,*DEFAULT*,T,,,,f
            3,,account-1,3,{},c,2026-01-15 10:00:00+00
            4,,account-1,x,{},d,2026-01-15 10:00:00+00,*DEFAULT*,T,,,,f
            5,,account-1,5,{},e,not a time,*DEFAULT*,T,,,,f
            6,,account-1,6,"{}"x,f,2026-01-15 10:00:00+00,*DEFAULT*,T,,,,f
            """
        let records = try ImportScratch().records(.marten, text)
        #expect(records[0].event?.data == ["a": 1])  // a newline inside a quoted field
        let errors = records.compactMap(\.error)
        #expect(errors.map(\.location.description) == ["record 2 (line 4)", "record 3 (line 5)", "record 4 (line 6)", "record 5 (line 7)", "record 6 (line 8)"])
        #expect(errors[0].reason.contains("column data is not JSON"))
        #expect(errors[1].reason.contains("7 fields") && errors[1].reason.contains("13 columns"))
        #expect(errors[2].reason.contains("version 'x'"))
        #expect(errors[3].reason.contains("timestamp 'not a time'"))
        #expect(errors[4].reason.contains("after the closing quote"))
    }

    @Test func aHeaderWithoutTheNeededColumnsIsRefusedUpFront() throws {
        let scratch = ImportScratch()
        let error = #expect(throws: EventLogError.self) { try scratch.records(.marten, "id,data\n1,{}\n") }
        #expect("\(error.map { "\($0)" } ?? "")".contains("no column 'stream_id'"))
        #expect(throws: EventLogError.self) { try scratch.records(.marten, "") }
    }
}

@Suite("import: CSV reader")
struct CSVReaderTests {
    static func rows(_ text: String) throws -> [(fields: [String?]?, problem: String?, line: Int)] {
        let scratch = ImportScratch()
        let handle = try SystemFile.open(try scratch.write("t.csv", text), flags: .readOnly)
        defer { handle.close() }
        var out: [(fields: [String?]?, problem: String?, line: Int)] = []
        // Small chunks, so that records span chunk boundaries.
        try CSVReader(handle: handle, chunkSize: 7).forEachRecord { record, _ in
            switch record.fields {
            case .success(let fields): out.append((fields, nil, record.line))
            case .failure(let problem): out.append((nil, problem.description, record.line))
            }
        }
        return out
    }

    @Test func quotingDoubledQuotesNewlinesAndNulls() throws {
        let rows = try Self.rows("a,\"b,c\",\"say \"\"hi\"\"\",,\"\"\r\n\"two\nlines\",x\n\nlast")
        #expect(rows.count == 3)
        #expect(rows[0].fields == ["a", "b,c", "say \"hi\"", nil, ""])
        #expect(rows[1].fields == ["two\nlines", "x"] && rows[1].line == 2)
        #expect(rows[2].fields == ["last"] && rows[2].line == 5)
    }

    @Test func malformedRecordsAreReportedAndReadingGoesOn() throws {
        let rows = try Self.rows("a\"b,c\n\"x\"y,z\nok,1\n\"never ends,\n")
        #expect(rows[0].problem?.contains("inside an unquoted field") == true)
        #expect(rows[1].problem?.contains("after the closing quote") == true)
        #expect(rows[2].fields == ["ok", "1"] && rows[2].line == 3)
        #expect(rows[3].problem?.contains("never ends") == true && rows[3].line == 4)
    }
}
