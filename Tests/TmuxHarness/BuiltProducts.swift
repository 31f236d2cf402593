import Foundation

/// Where `swift build` put the package's executables: next to the test bundle.
public enum BuiltProducts {
    /// The folder holding the built products, found as the first candidate that contains
    /// `executable` (the test runner's own folder, or the bundle's).
    public static func directory(containing executable: String) -> URL {
        var candidates: [URL] = []
        if let first = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent())
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        candidates.append(Bundle.main.bundleURL)
        for c in candidates where FileManager.default.isExecutableFile(atPath: c.appendingPathComponent(executable).path) {
            return c
        }
        return candidates.first ?? URL(fileURLWithPath: ".build/debug")
    }
}
