#if canImport(Glibc)
import Glibc  // O_* flags and atexit
#endif

import Platform
import Synchronization

/// A directory of the fuzz process's own on tmpfs (`/dev/shm` when it exists), for targets
/// that go through files; removed when the process exits normally.
///
/// Files there cost no disk I/O, so a target that writes an input and reads it back still runs
/// thousands of times a second.
public enum Scratch {
    private static let made = Mutex<String?>(nil)

    /// The directory, created on first use.
    public static var directory: String {
        made.withLock { path in
            if let path { return path }
            let base = FileSystem.isDirectory("/dev/shm") ? "/dev/shm" : "/tmp"
            do {
                let created = try FileSystem.makeTemporaryDirectory(prefix: base + "/rewind-fuzz-")
                path = created
                atexit { Scratch.removeAll() }
                return created
            } catch {
                FuzzFailure.fail("cannot make a scratch directory under \(base): \(error)")
            }
        }
    }

    /// Writes `bytes` to `name` in the scratch directory (no fsync) and returns its path.
    public static func write(_ bytes: UnsafeRawBufferPointer, to name: String) -> String {
        let path = directory + "/" + name
        do {
            let file = try SystemFile.open(path, flags: [.writeOnly, .create, .truncate])
            defer { file.close() }
            try file.write(bytes, at: 0)
        } catch {
            FuzzFailure.fail("cannot write \(path): \(error)")
        }
        return path
    }

    /// Writes `bytes` to `name` in the scratch directory (no fsync) and returns its path.
    public static func write(_ bytes: [UInt8], to name: String) -> String {
        bytes.withUnsafeBytes { write($0, to: name) }
    }

    static func removeAll() {
        guard let path = made.withLock({ $0 }) else { return }
        try? FileSystem.removeTree(path)
    }
}
