// Replaced by the rewind.toml parser (TOMLKit).
extension RewindConfig {
    /// Loads `configPath`, or `LOG/rewind.toml` when nil; no file gives the empty configuration.
    public static func load(forLog log: String, configPath: String?) throws -> RewindConfig {
        RewindConfig()
    }
}
