import EventLog
import Foundation
import PostgresHarness
import Replay
import Testing
@testable import PostgresStore

/// `rewind find` on a PostgreSQL store with the search's simple parts in the WHERE clause finds
/// exactly what jq alone finds on every row of the same database.
@Suite struct FindPushdownTests {
    let server: PostgresServer
    let database: String
    let state: String
    static let events = 240

    init() throws {
        server = try PostgresServer.shared()
        database = try server.createDatabase("findpush")
        state = NSTemporaryDirectory() + "rewind-pgfind-" + UUID().uuidString
        try server.psql(MartenSchema(streamIdentity: .string, tenancy: .conjoined).createSQL(), database: database)
        // Data of every kind at the compared paths: numbers (with decimals, negative, one past
        // what a double holds, one past its precision), numbers as strings, booleans, null,
        // arrays, objects, missing keys, data that is not an object.
        try server.psql("""
            INSERT INTO mt_streams (id, tenant_id, type, version)
              SELECT 'order-' || (i % 7), CASE WHEN i % 7 = 6 THEN 'acme' ELSE '*DEFAULT*' END, 'order', 0 FROM generate_series(0, 6) i;
            INSERT INTO mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id)
            SELECT i, gen_random_uuid(), 'order-' || (i % 7), (i + 6) / 7,
                   CASE i % 12
                     WHEN 0 THEN jsonb_build_object('n', i % 17, 's', 'v' || (i % 5), 'flag', i % 2 = 0, 'nested', jsonb_build_object('x', i % 3))
                     WHEN 1 THEN jsonb_build_object('n', ((i % 17) || '.5')::numeric, 's', 'v' || (i % 5))
                     WHEN 2 THEN jsonb_build_object('n', (i % 17)::text, 'flag', 'true')
                     WHEN 3 THEN jsonb_build_object('n', NULL, 's', NULL)
                     WHEN 4 THEN jsonb_build_object('n', jsonb_build_array(i), 's', jsonb_build_array('v2'))
                     WHEN 5 THEN jsonb_build_object('n', jsonb_build_object('k', 1), 'nested', 'x')
                     WHEN 6 THEN jsonb_build_object('other', i)
                     WHEN 7 THEN jsonb_build_array('v2', i)
                     WHEN 8 THEN to_jsonb('v2'::text)
                     WHEN 9 THEN jsonb_build_object('n', -(i % 17), 'flag', false, 's', 'v2')
                     WHEN 10 THEN jsonb_build_object('n', '1e400'::numeric, 'nested', jsonb_build_object('x', 1.0))
                     ELSE jsonb_build_object('n', '5.0000000000000000000001'::numeric, 's', 'v1')
                   END,
                   (ARRAY['placed', 'paid', 'shipped'])[i % 3 + 1],
                   timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute',
                   CASE WHEN i % 7 = 6 THEN 'acme' ELSE '*DEFAULT*' END
            FROM generate_series(1, \(Self.events)) i;
            """, database: database)
    }

    static let predicates = [
        #".type == "paid""#, #".stream == "order-3""#, #".stream == "acme/order-6""#, #".data.s == "v2""#, ".data.flag == true",
        ".data.flag == false", ".data.n > 10", ".data.n < 3", ".data.n == 5", "5 <= .data.n", ".data.n >= -2",
        ".data.nested.x == 1", #".data.n >= 2.5 and .type == "paid""#, #".data.s == "v1" or .data.n > 15"#, "select(.data.n < 0)",
        ".data.missing < 1", ".data == \"v2\"", ".data.n > 1e300", #"(.type == "placed" or .type == "shipped") and .data.n <= 4"#,
        #".data.s | startswith("v")"#, #".data.n > 3 and (.data.s | length) > 1"#, ".data.n != 5",
    ]

    static let optionSets: [FindOptions] = [
        FindOptions(),
        FindOptions(types: ["paid", "shipped"]),
        FindOptions(streamGlob: "order-2"),
        FindOptions(streamGlob: "order-[12]"),
        FindOptions(sinceMicros: 1_767_225_600_000_000 + 30 * 60_000_000, untilMicros: 1_767_225_600_000_000 + 180 * 60_000_000),
        FindOptions(limit: 5),
    ]

    func positions(_ store: SQLEventStore, _ predicate: String, _ options: FindOptions) throws -> ([UInt64], FindSummary, StoreFilter?) {
        let finder = try EventFinder(predicate: predicate, options: options)
        var found: [UInt64] = []
        let summary = try finder.run(store) { found.append($0.position); return true }
        return (found, summary, finder.storeFilter)
    }

    @Test func everyPredicateAndOptionFindsWhatJqAloneFinds() throws {
        let store = try PostgresStoreOpener.open(url: server.url(database: database), stateDirectory: state)
        defer { store.close() }
        #expect(store.head == UInt64(Self.events))
        var pushedAndNarrowed = 0
        for predicate in Self.predicates {
            for options in Self.optionSets {
                var plain = options
                plain.prefilter = false
                let (pushed, summary, filter) = try positions(store, predicate, options)
                let (alone, plainSummary, none) = try positions(store, predicate, plain)
                #expect(none == nil)
                #expect(pushed == alone, "\(predicate) with \(options): pushed \(pushed.count), jq alone \(alone.count)")
                #expect(summary.errors <= plainSummary.errors)
                if filter != nil && summary.scanned < plainSummary.scanned { pushedAndNarrowed += 1 }
            }
        }
        // The database did filter: most searches looked at fewer rows than jq alone.
        #expect(pushedAndNarrowed > Self.predicates.count * Self.optionSets.count / 2)
    }

    @Test func theAnalysisPushesTheSimpleAtomsAndNothingElse() {
        func filter(_ p: String) -> StoreFilter? { StoreFilterAnalysis.filter(predicate: p, options: FindOptions()) }
        #expect(filter(#".type == "paid""#) == .typeIn(["paid"]))
        #expect(filter(#""paid" == .type"#) == .typeIn(["paid"]))
        #expect(filter("3 < .data.a.b") == .dataCompare(path: ["a", "b"], .greater, 3))
        #expect(filter(".data.n >= -2.5") == .dataCompare(path: ["n"], .greaterOrEqual, -2.5))
        #expect(filter(#".data.s == "x" or .stream == "s""#) == .any([.dataStringEquals(path: ["s"], "x"), .streamIn(["s"])]))
        #expect(filter(#".data.s == "x" and (.data.s | length) > 1"#) == .dataStringEquals(path: ["s"], "x"))
        #expect(filter(#".data.s == "x" or (.data.s | length) > 1"#) == nil)
        #expect(filter(".data.n != 5") == nil)
        #expect(filter(#".data.s < "x""#) == nil)
        #expect(filter(".data.n == null") == nil)
        #expect(filter(".data.n + 1 > 5") == nil)
        #expect(filter(#".type == "a" | not"#) == nil)
        #expect(StoreFilterAnalysis.filter(predicate: ".data.n > 1", options: FindOptions(prefilter: false)) == nil)
        #expect(StoreFilterAnalysis.filter(predicate: "true", options: FindOptions(streamGlob: "order-*")) == nil)
    }
}
