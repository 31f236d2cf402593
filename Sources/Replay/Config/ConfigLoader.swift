import Platform

extension RewindConfig {
    /// Loads `configPath`, or `LOG/rewind.toml` when nil; no file there gives the empty
    /// configuration (path nil: every stream replays with the generic fold).
    ///
    /// Every jq expression is compiled on the way (see `parse(_:path:)`).
    /// - Throws: `ConfigError` for a file that cannot be read or used; a `--config` file that
    ///   does not exist is an error, a missing `LOG/rewind.toml` is not.
    public static func load(forLog log: String, configPath: String?) throws -> RewindConfig {
        let path: String
        if let configPath {
            guard FileSystem.exists(configPath) else {
                throw ConfigError(kind: .unreadable, file: configPath, problem: "no such file", fix: "check the path given with --config, or leave --config out to use \(defaultPath(forLog: log))")
            }
            path = configPath
        } else {
            path = defaultPath(forLog: log)
            guard FileSystem.exists(path) else { return RewindConfig() }
        }
        if FileSystem.isDirectory(path) {
            throw ConfigError(kind: .unreadable, file: path, problem: "this is a directory, not a rewind.toml file", fix: "give the file itself, e.g. --config \(path)/rewind.toml")
        }
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path)
        } catch let error as IOError where error.isRefusedFileType {
            throw ConfigError(kind: .unreadable, file: path, problem: error.reason, fix: "replace it with a regular rewind.toml file")
        } catch let error as IOError {
            throw ConfigError(kind: .unreadable, file: path, problem: "cannot read the file: \(error.reason)", fix: "check its permissions")
        }
        return try parse(bytes: bytes, path: path)
    }

    /// Where `rewind.toml` is looked for when no `--config` is given.
    public static func defaultPath(forLog log: String) -> String {
        log.hasSuffix("/") ? log + "rewind.toml" : log + "/rewind.toml"
    }
}
