import NIOCore
import NIOSSL
import PostgresNIO

/// Turns postgres-nio's and NIO's errors into ``PostgresStoreError`` sentences.
///
/// Only the endpoint's redacted form, the server's own message and SQLSTATE are quoted: never a
/// password, never the bound parameters of a query.
enum PostgresErrorMapping {
    static func map(_ error: any Error, endpoint: PostgresEndpoint) -> PostgresStoreError {
        if let mine = error as? PostgresStoreError { return mine }
        let at = endpoint.redacted
        guard let psql = error as? PSQLError else {
            return other(error, endpoint: endpoint)
        }
        switch psql.code {
        case .server:
            let state = psql.serverInfo?[.sqlState] ?? ""
            let message = psql.serverInfo?[.message] ?? "no message"
            switch state {
            case "28P01":
                return PostgresStoreError(
                    .authenticationFailed,
                    "password authentication failed for user \(PostgresURL.printable(endpoint.user)) at \(endpoint.place): check the password (in the URL, PGPASSWORD or ~/.pgpass)",
                    sqlState: state)
            case "28000":
                return PostgresStoreError(
                    .authenticationFailed,
                    "the server at \(endpoint.place) refused user \(PostgresURL.printable(endpoint.user)): \(message)", sqlState: state)
            case "3D000":
                return PostgresStoreError(
                    .databaseMissing,
                    "database \(PostgresURL.printable(endpoint.database)) does not exist at \(endpoint.place): check the name after the last '/' of the URL",
                    sqlState: state)
            case "25006":
                return PostgresStoreError(.readOnlyViolation, "refused on a read-only session (\(at)): \(message)", sqlState: state)
            case "57014":
                return PostgresStoreError(.timeout, "the statement was cancelled by the server at \(at): \(message)", sqlState: state)
            case "57P01", "57P02":
                return PostgresStoreError(
                    .connectionLost, "the server at \(at) is shutting down and closed the connection: \(message)", sqlState: state)
            case "57P03":
                return PostgresStoreError(.serverUnreachable, "the server at \(at) is not accepting connections yet: \(message)", sqlState: state)
            default:
                return PostgresStoreError(.server, "PostgreSQL at \(at) answered \(state): \(message)", sqlState: state)
            }
        case .authMechanismRequiresPassword:
            return PostgresStoreError(
                .passwordRequired,
                "the server at \(endpoint.place) asks a password for user \(PostgresURL.printable(endpoint.user)) and none was given: put it in the URL, PGPASSWORD or ~/.pgpass")
        case .unsupportedAuthMechanism, .saslError:
            return PostgresStoreError(
                .authenticationFailed,
                "cannot authenticate user \(PostgresURL.printable(endpoint.user)) at \(endpoint.place) (\(psql.code))")
        case .sslUnsupported:
            return PostgresStoreError(
                .tls, "the server at \(endpoint.place) does not offer TLS but sslmode=\(endpoint.sslMode.rawValue) requires it")
        case .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
            return PostgresStoreError(.tls, "TLS with the server at \(endpoint.place) failed (\(psql.code))")
        case .connectionError:
            if let underlying = psql.underlying { return other(underlying, endpoint: endpoint) }
            return unreachable(endpoint, "cannot connect")
        case .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
            return PostgresStoreError(
                .connectionLost,
                "the connection to \(at) was lost (\(psql.code)); the next request reconnects")
        case .queryCancelled:
            return PostgresStoreError(.timeout, "the statement on \(at) was cancelled")
        default:
            return PostgresStoreError(.server, "PostgreSQL client error talking to \(at): \(psql.code)")
        }
    }

    static func unreachable(_ endpoint: PostgresEndpoint, _ what: String) -> PostgresStoreError {
        PostgresStoreError(
            .serverUnreachable,
            "cannot connect to \(endpoint.place) (\(what)): is the server running at \(endpoint.place)?")
    }

    /// NIO and system errors underneath a connection error.
    static func other(_ error: any Error, endpoint: PostgresEndpoint) -> PostgresStoreError {
        if let channel = error as? ChannelError {
            switch channel {
            case .connectTimeout:
                return PostgresStoreError(.timeout, "connecting to \(endpoint.place) timed out: is the server at \(endpoint.place) reachable?")
            case .ioOnClosedChannel, .alreadyClosed, .eof, .outputClosed, .inputClosed:
                return PostgresStoreError(.connectionLost, "the connection to \(endpoint.redacted) was lost; the next request reconnects")
            default: break
            }
        }
        if error is NIOSSLError || error is BoringSSLError {
            return PostgresStoreError(.tls, "TLS with the server at \(endpoint.place) failed: \(error)")
        }
        // IOError(ECONNREFUSED / ENOENT) and NIOConnectionError (one per address tried) describe
        // themselves with the cause in words; the description carries no credentials.
        let text = String(describing: error)
        let lower = text.lowercased()
        if lower.contains("refused") { return unreachable(endpoint, "connection refused") }
        if lower.contains("no such file") { return unreachable(endpoint, "no socket there") }
        if lower.contains("timed out") || lower.contains("timeout") {
            return PostgresStoreError(.timeout, "connecting to \(endpoint.place) timed out: is the server at \(endpoint.place) reachable?")
        }
        if lower.contains("resolv") || lower.contains("name or service") {
            return unreachable(endpoint, "the host name does not resolve")
        }
        return PostgresStoreError(.serverUnreachable, "cannot talk to \(endpoint.place): \(text)")
    }
}
