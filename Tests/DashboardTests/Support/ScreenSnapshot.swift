import Foundation
import Testing

/// Compares a screen's text with the snapshot file `__Snapshots__/<name>.txt` next to the tests.
/// Set `REWIND_RECORD_SNAPSHOTS=1` to (re)write the files; a UI change then shows in review as
/// a text diff.
func assertScreen(_ text: String, named name: String, filePath: String = #filePath, sourceLocation: SourceLocation = #_sourceLocation) {
    let dir = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("__Snapshots__")
    let file = dir.appendingPathComponent(name + ".txt")
    if ProcessInfo.processInfo.environment["REWIND_RECORD_SNAPSHOTS"] == "1" {
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try? (text + "\n").write(to: file, atomically: true, encoding: .utf8)
        return
    }
    guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
        Issue.record(Comment(rawValue: "no snapshot \(file.path); run the tests with REWIND_RECORD_SNAPSHOTS=1 to record it"), sourceLocation: sourceLocation)
        return
    }
    if expected != text + "\n" {
        let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let got = (text + "\n").split(separator: "\n", omittingEmptySubsequences: false)
        var diff: [String] = []
        for i in 0..<max(want.count, got.count) {
            let w = i < want.count ? String(want[i]) : "<none>"
            let g = i < got.count ? String(got[i]) : "<none>"
            if w != g { diff.append("line \(i + 1):\n  want: \(w)\n  got:  \(g)") }
        }
        let shown = diff.prefix(12).joined(separator: "\n")
        Issue.record(Comment(rawValue: "screen differs from \(name).txt (REWIND_RECORD_SNAPSHOTS=1 re-records):\n\(shown)"), sourceLocation: sourceLocation)
    }
}
