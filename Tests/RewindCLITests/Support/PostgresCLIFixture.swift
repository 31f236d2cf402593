import Foundation
import PostgresHarness
import PostgresStore

/// A fresh database of the tests' throwaway PostgreSQL server, and the built `rewind` run
/// against its URL with a private state directory (so no test writes to `~/.local/state`).
struct PostgresCLIFixture {
    let server: PostgresServer
    let database: String
    let state = ScratchDirectory()

    init(_ prefix: String) throws {
        server = try PostgresServer.shared()
        database = try server.createDatabase(prefix)
    }

    /// The database over TCP with the superuser's password (the way a user gives one).
    var url: String { server.url(database: database) }

    /// Runs SQL through psql, a connection of its own (never Rewind's).
    @discardableResult
    func sql(_ text: String) throws -> String {
        try server.psql(text, database: database).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `rewind ARGS --state-dir STATE`.
    func rewind(_ arguments: [String]) throws -> CLIRunner.Result {
        try CLIRunner.rewind(arguments + ["--state-dir", state.path])
    }

    /// Writes `rewind.toml` into the state directory, where a URL's configuration lives.
    func writeConfig(_ toml: String) throws {
        try toml.write(toFile: state.file("rewind.toml"), atomically: true, encoding: .utf8)
    }

    /// Marten's tables (string stream ids) holding three orders' events, two of them in
    /// `order-1`, with the daemon's progress: what the tests below check output against.
    ///
    ///     seq 1  order-1 v1  order_placed  {"total":5}  correlation c-1   2026-01-15T10:00:00Z
    ///     seq 2  order-2 v1  order_placed  {"total":7}  correlation c-2   2026-01-15T10:01:00Z
    ///     seq 3  order-1 v2  item_added    {"total":3}  correlation c-1   2026-01-15T10:02:00Z  causation = event 1's id
    ///     seq 4  order-3 v1  order_placed  {"total":1}  archived           2026-01-15T10:03:00Z
    ///     mt_event_progression: HighWaterMark 4, Orders:All 1, Totals:All 4
    func seedMarten() throws {
        try sql(try MartenSchema(streamIdentity: .string).createSQL())
        try sql("""
            INSERT INTO mt_streams (id, type, version, is_archived) VALUES ('order-1', 'order', 2, false), ('order-2', 'order', 1, false), ('order-3', 'order', 1, true);
            INSERT INTO mt_events (seq_id, id, stream_id, version, data, type, timestamp, correlation_id, causation_id, is_archived) VALUES
              (1, '00000000-0000-4000-8000-000000000001', 'order-1', 1, '{"total":5}', 'order_placed', '2026-01-15T10:00:00Z', 'c-1', NULL, false),
              (2, '00000000-0000-4000-8000-000000000002', 'order-2', 1, '{"total":7}', 'order_placed', '2026-01-15T10:01:00Z', 'c-2', NULL, false),
              (3, '00000000-0000-4000-8000-000000000003', 'order-1', 2, '{"total":3}', 'item_added', '2026-01-15T10:02:00Z', 'c-1', '00000000-0000-4000-8000-000000000001', false),
              (4, '00000000-0000-4000-8000-000000000004', 'order-3', 1, '{"total":1}', 'order_placed', '2026-01-15T10:03:00Z', NULL, NULL, true);
            SELECT setval('mt_events_sequence', 4);
            INSERT INTO mt_event_progression (name, last_seq_id, last_updated) VALUES
              ('HighWaterMark', 4, now()), ('Orders:All', 1, now()), ('Totals:All', 4, now());
            """)
    }

    /// Inserts one Marten event the way Marten does (its stream row first), now.
    func appendMarten(seq: String = "nextval('mt_events_sequence')", stream: String, version: Int, type: String, data: String) -> String {
        """
        INSERT INTO mt_streams (id, type, version) VALUES ('\(stream)', 'order', \(version)) ON CONFLICT (id) DO UPDATE SET version = excluded.version;
        INSERT INTO mt_events (seq_id, id, stream_id, version, data, type) VALUES (\(seq), gen_random_uuid(), '\(stream)', \(version), '\(data)', '\(type)');
        """
    }
}

extension CLIRunner.Result {
    /// stdout's lines parsed as JSON objects' `key` values, as text (a test's independent reading).
    func jsonField(_ key: String) -> [String] {
        lines.compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let value = object[key] else { return nil }
            if let s = value as? String { return s }
            if let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]) {
                return String(decoding: data, as: UTF8.self)
            }
            return "\(value)"
        }
    }
}
