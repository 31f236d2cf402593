import Foundation
import JSON
import Testing

/// `--json` callers read stdout: a failure must say why there too, and `tail -n` is as documented.
@Suite("rewind: JSON errors and documented short options")
struct JSONErrorCLITests {
    @Test func importJsonPrintsAnErrorObjectOnFailure() throws {
        let dir = ScratchDirectory()
        let log = dir.file("log")
        #expect(try CLIRunner.rewind(["init", log]).status == 0)
        let input = try dir.write("bad.jsonl", "{\"stream\":\"a-1\",\"type\":\"X\",\"data\":{}}\nnot json\n")
        let r = try CLIRunner.rewind(["import", log, input, "--json"])
        #expect(r.status == 1)
        let reply = try JSONValue.parse(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(reply["error"]?["exitCode"] == 1)
        #expect(reply["error"]?["message"]?.stringValue?.contains("line 2") == true, "\(r.stdout)")
        // Nothing was written: the log is still empty.
        let read = try CLIRunner.rewind(["tail", log, "--json"])
        #expect(read.status == 0 && read.stdout.isEmpty, "\(read.stdout)")
    }

    @Test func importJsonReportsABadOptionAsAnErrorObject() throws {
        let dir = ScratchDirectory()
        let log = dir.file("log")
        #expect(try CLIRunner.rewind(["init", log]).status == 0)
        let r = try CLIRunner.rewind(["import", log, "-", "--format", "nope", "--json"])
        #expect(r.status != 0)
        let reply = try JSONValue.parse(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(reply["error"]?["message"]?.stringValue?.contains("unknown --format") == true, "\(r.stdout)")
    }

    @Test func tailTakesDashNAsTheReadmeSays() throws {
        let dir = ScratchDirectory()
        let log = dir.file("log")
        #expect(try CLIRunner.rewind(["init", log]).status == 0)
        for i in 1...5 {
            #expect(try CLIRunner.rewind(["append", log, "s-1", "E", "{\"i\":\(i)}"]).status == 0)
        }
        let r = try CLIRunner.rewind(["tail", log, "-n", "2", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").count == 2, "\(r.stdout)")
    }
}
