import Foundation
import Glibc  // mkfifo, link: the tests plant what an attacker would
import Platform
import Testing

/// The jail a log directory is: writes never follow a link or open a FIFO, temporaries have
/// names no one can predict, reads take only regular files and never wait on a FIFO. Each test
/// plants what a hostile copy of a log could hold and checks that the file outside is untouched.
@Suite struct FileJailTests {
    /// A scratch directory with a jail `log/` and a victim file `outside` next to it.
    final class Scene {
        let dir: String
        var log: String { dir + "/log" }
        var outside: String { dir + "/outside" }
        static let secret = Array("precious data\n".utf8)

        init() throws {
            dir = try FileSystem.makeTemporaryDirectory(prefix: "/tmp/rewind-jail-")
            try FileSystem.makeDirectory(dir + "/log")
            try FileSystem.writeAtomically(Self.secret, to: dir + "/outside", durable: false)
        }

        deinit { try? FileSystem.removeTree(dir) }

        var jail: FileJail { FileJail(root: log) }

        func link(_ relative: String, to target: String) throws {
            try FileManager.default.createSymbolicLink(atPath: log + "/" + relative, withDestinationPath: target)
        }

        func fifo(_ path: String) {
            #expect(mkfifo(path, 0o644) == 0)
        }

        var outsideIsUntouched: Bool { (try? FileSystem.readFile(outside)) == Self.secret }
    }

    @Test func symlinkedLockFileIsRefusedAndItsTargetKeepsItsBytes() throws {
        let scene = try Scene()
        try scene.link("LOCK", to: scene.outside)
        #expect {
            _ = try PidLockFile.acquire(in: scene.jail, name: "LOCK", command: "rewind append")
        } throws: { error in
            "\(error)".contains("is a symbolic link") && "\(error)".contains(scene.log + "/LOCK")
        }
        #expect(scene.outsideIsUntouched)
        #expect(!PidLockFile.isHeld(in: scene.jail, name: "LOCK"))
    }

    @Test func openForWritingRefusesALinkToARegularFile() throws {
        let scene = try Scene()
        try scene.link("000001.seg", to: scene.outside)
        #expect(throws: IOError.self) { _ = try scene.jail.open("000001.seg", flags: .readWrite) }
        #expect(throws: IOError.self) { _ = try scene.jail.open("000001.seg", flags: [.readWrite, .create, .truncate]) }
        #expect(scene.outsideIsUntouched)
    }

    @Test func writeAtomicallyReplacesAPlantedLinkInsteadOfWritingThroughIt() throws {
        let scene = try Scene()
        try scene.link("marker", to: scene.outside)
        try scene.jail.writeAtomically(Array("new\n".utf8), to: "marker", durable: true)
        #expect(scene.outsideIsUntouched)
        #expect(try FileSystem.status(scene.log + "/marker", followLinks: false).isRegularFile)
        #expect(try FileSystem.readFile(scene.log + "/marker") == Array("new\n".utf8))
    }

    @Test func plantedLinksAtThePredictableTemporaryNamesAreNeverWritten() throws {
        let scene = try Scene()
        // Every name the old `path.tmp-<pid>` scheme could use in this process and its neighbours.
        let pid = Int(CurrentProcess.id)
        for p in max(1, pid - 20)...(pid + 20) { try scene.link("state.json.tmp-\(p)", to: scene.outside) }
        try scene.jail.writeAtomically(Array("{}\n".utf8), to: "state.json", durable: false)
        try FileSystem.writeAtomically(Array("{}\n".utf8), to: scene.log + "/other.json", durable: false)
        #expect(scene.outsideIsUntouched)
        let temporaries = try FileSystem.list(scene.log).filter { $0.contains(".tmp-") }
        #expect(temporaries.count == 41, "the planted links stay, and no temporary of ours is left: \(temporaries.count)")
    }

    @Test func temporaryFileBesideAPathIsNewAndNeverALink() throws {
        let scene = try Scene()
        let out = scene.dir + "/generated.jsonl"
        // What the old scheme would have used: planted links at every nearby pid.
        let pid = Int(CurrentProcess.id)
        for p in max(1, pid - 5)...(pid + 5) {
            try FileManager.default.createSymbolicLink(atPath: out + ".tmp-\(p)", withDestinationPath: scene.outside)
        }
        let (file, path) = try FileSystem.makeTemporaryFile(beside: out)
        try file.write(Array("new\n".utf8), at: 0)
        file.close()
        #expect(path.hasPrefix(out + ".tmp-") && path.count == out.count + 5 + 16)
        #expect(try FileSystem.status(path, followLinks: false).isRegularFile)
        #expect(scene.outsideIsUntouched)
    }

    @Test func temporaryNamesAreUnpredictable() {
        let names = Set((0..<64).map { _ in FileJail.randomSuffix() })
        #expect(names.count == 64)
        #expect(names.allSatisfy { $0.count == 16 && $0.allSatisfy(\.isHexDigit) })
    }

    @Test func symlinkedSubdirectoryReceivesNoFiles() throws {
        let scene = try Scene()
        let elsewhere = scene.dir + "/elsewhere"
        try FileSystem.makeDirectory(elsewhere)
        try scene.link("projections", to: elsewhere)
        for attempt in [
            { try scene.jail.makeDirectory("projections") },
            { try scene.jail.writeAtomically([1], to: "projections/x.json") },
            { _ = try scene.jail.open("projections/LOCK", flags: [.readWrite, .create]) },
            { try scene.jail.makeDirectory("projections/deeper") },
        ] as [() throws -> Void] {
            #expect { try attempt() } throws: { error in
                "\(error)".contains(scene.log + "/projections is a symbolic link") && "\(error)".contains("replace the link with a directory")
            }
        }
        #expect(try FileSystem.list(elsewhere).isEmpty)
        #expect(!scene.jail.isDirectory("projections"))
    }

    @Test func linkedParentDirectoryDeeperInsideIsRefusedToo() throws {
        let scene = try Scene()
        let elsewhere = scene.dir + "/elsewhere"
        try FileSystem.makeDirectory(elsewhere)
        try scene.jail.makeDirectory("snapshots")
        try scene.link("snapshots/orders", to: elsewhere)
        #expect(throws: IOError.self) { try scene.jail.writeAtomically([1], to: "snapshots/orders/v1.snap", durable: false) }
        #expect(throws: IOError.self) { try scene.jail.remove("snapshots/orders/v1.snap") }
        #expect(try FileSystem.list(elsewhere).isEmpty)
    }

    @Test func dotDotCannotLeaveTheJail() throws {
        let scene = try Scene()
        #expect(throws: IOError.self) { try scene.jail.writeAtomically([1], to: "../escaped") }
        #expect(!FileSystem.exists(scene.dir + "/escaped"))
    }

    @Test func hardLinkToAFileOutsideIsNotWrittenInPlace() throws {
        let scene = try Scene()
        #expect(link(scene.outside, scene.log + "/LOCK") == 0)
        #expect { _ = try PidLockFile.acquire(in: scene.jail, name: "LOCK", command: "x") } throws: { "\($0)".contains("hard links") }
        #expect(scene.outsideIsUntouched)
    }

    @Test func fifoWhereAFileIsWrittenIsRefusedWithoutWaiting() throws {
        let scene = try Scene()
        scene.fifo(scene.log + "/LOCK")
        #expect { _ = try PidLockFile.acquire(in: scene.jail, name: "LOCK", command: "x") } throws: { "\($0)".contains("is a FIFO") }
        #expect { _ = try scene.jail.open("LOCK", flags: [.writeOnly, .truncate]) } throws: { "\($0)".contains("is a FIFO") }
    }

    @Test func readingAFIFOIsRefusedWithoutBlocking() throws {
        let scene = try Scene()
        scene.fifo(scene.log + "/checkpoint.json")
        #expect {
            _ = try FileSystem.readFile(scene.log + "/checkpoint.json")
        } throws: { error in
            "\(error)" == "\(scene.log)/checkpoint.json is a FIFO (named pipe), not a regular file; "
                + "Rewind reads only regular files (in a log directory, a config or a theme); replace it with a regular file or remove it"
        }
    }

    @Test func readingASymlinkToAFIFOIsRefusedWithoutBlocking() throws {
        let scene = try Scene()
        scene.fifo(scene.dir + "/pipe")
        try scene.link("v1.snap", to: scene.dir + "/pipe")
        #expect { _ = try SystemFile.open(scene.log + "/v1.snap", flags: .readOnly) } throws: { "\($0)".contains("is a FIFO") }
    }

    @Test func readingThroughASymlinkToARegularFileIsAllowed() throws {
        let scene = try Scene()
        try scene.link("000001.seg", to: scene.outside)
        #expect(try FileSystem.readFile(scene.log + "/000001.seg") == Scene.secret)
        #expect(FileJail(root: scene.log).path("000001.seg") == scene.log + "/000001.seg")
    }

    @Test func readingADirectoryOrADeviceIsRefused() throws {
        let scene = try Scene()
        #expect { _ = try FileSystem.readFile(scene.log) } throws: { "\($0)".contains("is a directory, not a regular file") }
        #expect { _ = try FileSystem.readFile("/dev/zero") } throws: { "\($0)".contains("is a character device") }
    }

    @Test func jailOpenGoesThroughTheFaultSeam() throws {
        let scene = try Scene()
        FaultInjection.with(.open, errno: Errno.io, pathContains: scene.log + "/seam") {
            #expect { _ = try scene.jail.open("seam", flags: [.readWrite, .create]) } throws: { ($0 as? IOError)?.errno == Errno.io }
        }
        FaultInjection.with(.rename, errno: Errno.noSpace, pathContains: scene.log + "/atomic") {
            #expect { try scene.jail.writeAtomically([1], to: "atomic") } throws: { ($0 as? IOError)?.errno == Errno.noSpace }
        }
        #expect(try FileSystem.list(scene.log).filter { $0.hasPrefix("atomic") }.isEmpty, "the temporary is removed after a failed rename")
        FaultInjection.with(.mkdir, errno: Errno.noSpace, pathContains: scene.log + "/made") {
            #expect { try scene.jail.makeDirectory("made") } throws: { ($0 as? IOError)?.errno == Errno.noSpace }
        }
        try FaultInjection.with(.unlink, errno: Errno.io, pathContains: scene.log + "/atomic") {
            try scene.jail.writeAtomically([1], to: "atomic", durable: false)
            #expect { try scene.jail.remove("atomic") } throws: { ($0 as? IOError)?.errno == Errno.io }
        }
    }
}
