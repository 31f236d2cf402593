/// Message DB's message store, as SQL, for the tests and the benchmark.
///
/// Written from Message DB's documented schema (message-db 1.3: `database/tables/messages.sql`,
/// `database/functions/*.sql`, `database/indexes/*.sql` and the Eventide "Anatomy of the
/// Message Store" page): one table `message_store.messages` (`global_position` bigserial primary
/// key, gapless `position` per stream, `stream_name`, `type`, `data`/`metadata` jsonb, `time`
/// without time zone in UTC, `id` uuid), and the functions a reader needs to agree with Message
/// DB on names: `category(stream_name)` (the part before the first `-`), `id(stream_name)` (after
/// it, or NULL), `cardinal_id` (the id before the first `+`), `is_category` (no `-`),
/// `stream_version` (the last position, or NULL). Writing functions (`write_message`, locks) and
/// the role/privileges are not created.
public enum MessageDBSchema {
    /// The schema Message DB installs into.
    public static let schemaName = "message_store"

    /// `CREATE … IF NOT EXISTS` / `CREATE OR REPLACE` statements (run with the simple protocol).
    public static func createSQL() -> String {
        """
        CREATE SCHEMA IF NOT EXISTS message_store;
        CREATE TABLE IF NOT EXISTS message_store.messages (
            global_position bigserial NOT NULL,
            position bigint NOT NULL,
            time timestamp WITHOUT TIME ZONE DEFAULT (now() AT TIME ZONE 'utc') NOT NULL,
            stream_name text NOT NULL,
            type text NOT NULL,
            data jsonb,
            metadata jsonb,
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            PRIMARY KEY (global_position)
        );
        CREATE OR REPLACE FUNCTION message_store.category(stream_name varchar) RETURNS varchar
            AS $$ SELECT split_part(stream_name, '-', 1) $$ LANGUAGE sql IMMUTABLE;
        CREATE OR REPLACE FUNCTION message_store.id(stream_name varchar) RETURNS varchar
            AS $$ SELECT CASE WHEN strpos(stream_name, '-') = 0 THEN NULL
                              ELSE substring(stream_name FROM strpos(stream_name, '-') + 1) END $$
            LANGUAGE sql IMMUTABLE;
        CREATE OR REPLACE FUNCTION message_store.cardinal_id(stream_name varchar) RETURNS varchar
            AS $$ SELECT split_part(message_store.id(stream_name), '+', 1) $$ LANGUAGE sql IMMUTABLE;
        CREATE OR REPLACE FUNCTION message_store.is_category(stream_name varchar) RETURNS boolean
            AS $$ SELECT strpos(stream_name, '-') = 0 $$ LANGUAGE sql IMMUTABLE;
        CREATE OR REPLACE FUNCTION message_store.stream_version(stream_name varchar) RETURNS bigint
            AS $$ SELECT max(position) FROM message_store.messages m WHERE m.stream_name = $1 $$ LANGUAGE sql STABLE;
        CREATE UNIQUE INDEX IF NOT EXISTS messages_id ON message_store.messages (id);
        CREATE UNIQUE INDEX IF NOT EXISTS messages_stream ON message_store.messages (stream_name, position);
        CREATE INDEX IF NOT EXISTS messages_category ON message_store.messages (
            message_store.category(stream_name), global_position, message_store.category(metadata->>'correlationStreamName'));

        """
    }
}
