import Foundation
import Platform

/// Where derived data of a database store lives on this machine (snapshots, projection runs,
/// the trace index, checkpoints): never in the database, which Rewind only reads.
///
/// Default: `$XDG_STATE_HOME/rewind/<host>-<port>-<database>-<schema>/`, with
/// `XDG_STATE_HOME` defaulting to `~/.local/state`. Each part keeps only letters, digits,
/// `.`, `_` and `-` (the rest become `_`), so a hostile URL cannot climb out of the directory.
public enum StateDirectory {
    public static func `default`(
        for endpoint: PostgresEndpoint, schema: String?, environment: (String) -> String? = CurrentProcess.environment
    ) -> String {
        let base: String
        if let xdg = environment("XDG_STATE_HOME"), xdg.hasPrefix("/") {
            base = xdg
        } else {
            base = (environment("HOME").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp") + "/.local/state"
        }
        let place: String
        switch endpoint.address {
        case .tcp(let host, let port): place = "\(host)-\(port)"
        case .unixSocket(_, let port): place = "local-\(port)"
        }
        return base + "/rewind/" + [place, endpoint.database, schema ?? "default"].map(clean).joined(separator: "-")
    }

    static func clean(_ part: String) -> String {
        let kept = part.unicodeScalars.map { s -> Character in
            let ok = (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9") || s == "." || s == "_" || s == "-"
            return ok ? Character(s) : "_"
        }
        let text = String(kept)
        return text.isEmpty || text == "." || text == ".." ? "_" : text
    }
}

