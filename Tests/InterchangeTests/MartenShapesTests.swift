import EventLog
import Testing
import Interchange

/// Marten exports beyond one tenant with string stream ids, written by us from the columns
/// Marten's schema code creates (`mt_events`: seq_id, id, stream_id, version, data, type,
/// timestamp, tenant_id, mt_dotnet_type…; `mt_streams`: id, type, tenant_id…).
@Suite("import: Marten shapes")
struct MartenShapesTests {
    static let header = "seq_id,id,stream_id,version,data,type,timestamp,tenant_id"

    static func row(_ seq: Int, stream: String, version: Int, type: String, tenant: String) -> String {
        let id = "3f2c1d7e-9a1b-4c2d-8e3f-0a1b2c3d4e\(String(format: "%02x", seq))"
        return "\(seq),\(id),\(stream),\(version),{},\(type),2026-01-15 10:00:0\(seq)+00,\(tenant)"
    }

    @Test func conjoinedTenantsKeepTheSameStreamIdApart() throws {
        let text = [
            Self.header,
            Self.row(1, stream: "account-1", version: 1, type: "account_opened", tenant: "acme"),
            Self.row(2, stream: "account-1", version: 1, type: "account_opened", tenant: "globex"),
            Self.row(3, stream: "account-1", version: 2, type: "money_deposited", tenant: "acme"),
            Self.row(4, stream: "account-1", version: 1, type: "account_opened", tenant: "*DEFAULT*"),
        ].joined(separator: "\n")
        let scratch = ImportScratch()
        let events = try scratch.records(.marten, text).compactMap(\.event)
        #expect(events.map(\.stream) == ["acme/account-1", "globex/account-1", "acme/account-1", "account-1"])
        #expect(events[1].metadata["marten"]?["tenantId"] == "globex" && events[1].metadata["marten"]?["streamId"] == "account-1")
        #expect(events[3].metadata["marten"]?["streamId"] == nil)
        // The versions of the two tenants do not clash: all four import.
        let log = try scratch.log()
        let source = try ImportFormat.marten.source(path: try scratch.write("t.csv", text), options: ImportOptions())
        let summary = try EventImporter().run(source, named: "t.csv", into: log)
        #expect(summary.events == 4 && summary.streams == 3)
    }

    @Test func tenantsMergedByStreamFromAreRefusedNamingTenancy() throws {
        let text = [
            Self.header,
            Self.row(1, stream: "account-1", version: 1, type: "account_opened", tenant: "acme"),
            Self.row(2, stream: "account-1", version: 1, type: "account_opened", tenant: "globex"),
        ].joined(separator: "\n")
        let options = try ImportOptions.with(stream: "column:stream_id")
        let records = try ImportScratch().records(.marten, text, options: options)
        let error = try #require(records.compactMap(\.error).first)
        #expect(error.location.line == 3)
        #expect(error.reason.contains("tenants 'acme' and 'globex'") && error.reason.contains("conjoined tenancy"))
    }

    @Test func guidStreamsAreNamedAfterTheirStreamType() throws {
        let guid = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
        let other = "16fd2706-8baf-433b-82eb-8c7fada847da"
        let text = """
            seq_id,stream_id,version,data,type,stream_type
            1,\(guid),1,{},account_opened,bank_account
            2,\(other),1,{},account_opened,
            """
        let events = try ImportScratch().records(.marten, text).compactMap(\.event)
        #expect(events.map(\.stream) == ["bank_account-\(guid)", "stream-\(other)"])
        #expect(events.map { StreamName.category(of: $0.stream) } == ["bank_account", "stream"])
        #expect(events[0].metadata["marten"]?["streamType"] == "bank_account" && events[0].metadata["marten"]?["streamId"] == .string(guid))
    }

    @Test func aHeaderMissingSeveralColumnsNamesEveryOptionAtOnce() throws {
        let scratch = ImportScratch()
        let error = #expect(throws: EventLogError.self) { try scratch.records(.marten, "seq_id,id,aggregate_key,kind,body\n1,x,a-1,A,{}\n") }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("'stream_id'") && message.contains("'type'") && message.contains("'data'"))
        #expect(message.contains("run again with: --stream-from column:aggregate_key --type-from column:kind --data-from column:body"))
    }
}
