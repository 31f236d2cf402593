/// Why talking to a PostgreSQL store failed, as a sentence that says what to do next.
///
/// Every message names the server by ``PostgresEndpoint/redacted`` (or not at all), so no
/// password can reach a terminal or a log through an error. Server text is kept as it came;
/// printers sanitize it (SafeText) like any other untrusted text.
public struct PostgresStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, for callers that react differently (retry, ask for a password…).
    public enum Kind: Sendable, Equatable {
        case invalidURL
        case serverUnreachable
        case authenticationFailed
        case passwordRequired
        case databaseMissing
        case timeout
        case connectionLost
        case readOnlyViolation
        case tls
        case server
        case closed
        case unsupported
        case decoding
    }

    public var kind: Kind
    /// The whole sentence.
    public var message: String
    /// The server's SQLSTATE, when the server answered with an error.
    public var sqlState: String?

    public init(_ kind: Kind, _ message: String, sqlState: String? = nil) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
    }

    public var description: String { message }

    static func invalidURL(_ reason: String) -> PostgresStoreError {
        PostgresStoreError(.invalidURL, "not a usable PostgreSQL URL: \(reason)")
    }
}
