import EventLog
import Foundation
import Glibc  // mkfifo: the tests plant FIFOs
import JSON
import Platform
@testable import Replay
import Testing

/// Projections, snapshots and checkpoints live in a copied log directory too: a link planted at
/// their directories or lock never receives a file, and a FIFO where one of their files should
/// be is an error (or a reported problem), never a hang.
@Suite("derived files in the log jail")
struct DerivedFilesJailTests {
    /// A directory holding `log/` (files only, no engine needed) and `elsewhere/`, a victim.
    final class Scene: Sendable {
        let root: String
        var log: String { root + "/log" }
        var elsewhere: String { root + "/elsewhere" }
        static let secret = Array("precious\n".utf8)

        init() throws {
            root = try FileSystem.makeTemporaryDirectory(prefix: "/tmp/rewind-derived-jail-")
            try FileSystem.makeDirectory(root + "/log")
            try FileSystem.makeDirectory(root + "/elsewhere")
            try FileSystem.writeAtomically(Self.secret, to: root + "/elsewhere/victim", durable: false)
        }

        deinit { try? FileSystem.removeTree(root) }

        func link(_ relative: String, to target: String) throws {
            try FileManager.default.createSymbolicLink(atPath: log + "/" + relative, withDestinationPath: target)
        }

        /// What is in `elsewhere` besides the victim, and whether the victim kept its bytes.
        var elsewhereIsUntouched: Bool {
            (try? FileSystem.list(elsewhere)) == ["victim"] && (try? FileSystem.readFile(elsewhere + "/victim")) == Self.secret
        }
    }

    @Test func symlinkedProjectionsLockIsRefusedAndItsTargetKeepsItsBytes() throws {
        let scene = try Scene()
        try FileSystem.makeDirectory(scene.log + "/projections")
        try scene.link("projections/LOCK", to: scene.elsewhere + "/victim")
        let store = ProjectionStore(logPath: scene.log)
        #expect { _ = try store.acquireLock(command: "rewind project run") } throws: { "\($0)".contains("projections/LOCK is a symbolic link") }
        #expect(!store.isLocked())
        #expect(scene.elsewhereIsUntouched)
    }

    @Test func symlinkedProjectionsDirectoryReceivesNoFiles() throws {
        let scene = try Scene()
        try scene.link("projections", to: scene.elsewhere)
        let store = ProjectionStore(logPath: scene.log)
        #expect { _ = try store.acquireLock(command: "rewind project run") } throws: { "\($0)".contains("/projections is a symbolic link") }
        #expect(throws: IOError.self) { try store.save(Array("{}".utf8), name: "balances") }
        #expect(throws: IOError.self) { try store.remove("victim") }
        #expect(scene.elsewhereIsUntouched)
    }

    @Test func symlinkedSnapshotsDirectoryReceivesNoFiles() throws {
        let scene = try Scene()
        try scene.link("snapshots", to: scene.elsewhere)
        let store = SnapshotStore(logPath: scene.log)
        let snapshot = Snapshot(stream: "orders-1", version: 3, position: 3, reducer: "r", fingerprint: "f", createdMicros: 0, state: ["n": 3])
        #expect { try store.write(snapshot) } throws: { "\($0)".contains("/snapshots is a symbolic link") }
        #expect(scene.elsewhereIsUntouched)
    }

    @Test func symlinkedStreamSnapshotDirectoryReceivesNoFiles() throws {
        let scene = try Scene()
        try FileSystem.makeDirectory(scene.log + "/snapshots")
        try scene.link("snapshots/orders-1", to: scene.elsewhere)
        let store = SnapshotStore(logPath: scene.log)
        let snapshot = Snapshot(stream: "orders-1", version: 3, position: 3, reducer: "r", fingerprint: "f", createdMicros: 0, state: ["n": 3])
        #expect(throws: IOError.self) { try store.write(snapshot) }
        #expect(scene.elsewhereIsUntouched)
    }

    @Test func symlinkedCheckpointsDirectoryReceivesNoFiles() throws {
        let scene = try Scene()
        try scene.link("checkpoints", to: scene.elsewhere)
        #expect(throws: IOError.self) {
            try ExternalCheckpoints.write(name: "mailer", position: 1, updatedAtMicros: 0, logPath: scene.log)
        }
        #expect(scene.elsewhereIsUntouched)
    }

    @Test func fifoCheckpointIsAProblemNotAHang() throws {
        let scene = try Scene()
        try FileSystem.makeDirectory(scene.log + "/checkpoints")
        #expect(mkfifo(scene.log + "/checkpoints/mailer.json", 0o644) == 0)
        let checkpoints = ExternalCheckpoints.read(logPath: scene.log)
        #expect(checkpoints.count == 1)
        #expect(checkpoints.first?.position == nil)
        #expect(checkpoints.first?.problem?.contains("mailer.json is a FIFO (named pipe), not a regular file") == true)
    }

    @Test func symlinkToAFifoAsCheckpointIsAProblemNotAHang() throws {
        let scene = try Scene()
        try FileSystem.makeDirectory(scene.log + "/checkpoints")
        #expect(mkfifo(scene.elsewhere + "/pipe", 0o644) == 0)
        try scene.link("checkpoints/mailer.json", to: scene.elsewhere + "/pipe")
        #expect(ExternalCheckpoints.read(logPath: scene.log).first?.problem?.contains("is a FIFO") == true)
    }

    @Test func fifoProjectionFileIsAReadErrorNotAHang() throws {
        let scene = try Scene()
        try FileSystem.makeDirectory(scene.log + "/projections")
        #expect(mkfifo(scene.log + "/projections/balances.json", 0o644) == 0)
        let store = ProjectionStore(logPath: scene.log)
        #expect { _ = try store.loadHeader("balances") } throws: { "\($0)".contains("is a FIFO") }
        #expect { _ = try store.load("balances") } throws: { "\($0)".contains("is a FIFO") }
    }

    @Test func fifoSnapshotFileIsCorruptNotAHang() throws {
        let scene = try Scene()
        let store = SnapshotStore(logPath: scene.log)
        try FileSystem.makeDirectory(scene.log + "/snapshots/orders-1")
        let file = scene.log + "/snapshots/orders-1/" + SnapshotStore.fileName(version: 3)
        #expect(mkfifo(file, 0o644) == 0)
        guard case .failure(.corrupt(let reason)) = store.read(file) else {
            Issue.record("a FIFO snapshot was not reported")
            return
        }
        #expect(reason.contains("is a FIFO"))
        let (usable, issues) = store.usable(stream: "orders-1", atOrBelow: 10, fingerprint: "f")
        #expect(usable == nil && issues.count == 1)
    }

    @Test func fifoRewindTomlIsAConfigErrorNotAHang() throws {
        let scene = try Scene()
        #expect(mkfifo(scene.log + "/rewind.toml", 0o644) == 0)
        #expect { _ = try RewindConfig.load(forLog: scene.log, configPath: nil) } throws: { "\($0)".contains("is a FIFO") }
    }
}
