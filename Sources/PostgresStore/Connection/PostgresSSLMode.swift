/// libpq's `sslmode`, and what each one means over postgres-nio.
///
/// - `disable`: plain TCP.
/// - `allow`: treated as `prefer` (postgres-nio cannot first try plain and then retry with TLS;
///   `prefer` connects to every server `allow` would).
/// - `prefer` (libpq's default): TLS if the server offers it, plain otherwise; the certificate
///   is not verified, as in libpq.
/// - `require`: TLS or no connection; the certificate is not verified (libpq's rule when no
///   root certificate is given).
/// - `verify-ca`: TLS, the chain verified against `sslrootcert` (or the system's roots), the
///   host name not checked.
/// - `verify-full`: TLS, the chain and the host name verified.
///
/// Unix-socket connections never use TLS, as in libpq.
public enum PostgresSSLMode: String, Sendable, CaseIterable {
    case disable
    case allow
    case prefer
    case require
    case verifyCA = "verify-ca"
    case verifyFull = "verify-full"
}
