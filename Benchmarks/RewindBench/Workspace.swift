import EventLog
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The scratch directory of one benchmark run: a fresh subdirectory per log, removed as soon
/// as the workload is done with it (and the whole directory at the end, unless `--keep`).
final class Workspace {
    let root: String
    let keep: Bool

    init(parent: String, keep: Bool) throws {
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        var template = Array((parent + "/rewind-bench.XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buf in mkdtemp(buf.baseAddress!) }
        guard made != nil else {
            throw BenchError("cannot create a scratch directory in \(parent): \(String(cString: strerror(errno)))")
        }
        root = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        self.keep = keep
    }

    /// A path for a new log (not yet created).
    func path(_ name: String) -> String {
        let p = root + "/" + name
        remove(p)
        return p
    }

    func remove(_ path: String) {
        if FileManager.default.fileExists(atPath: path) { try? FileManager.default.removeItem(atPath: path) }
    }

    /// Removes a log a workload is done with, unless `--keep`.
    func discard(_ path: String) {
        if !keep { remove(path) }
    }

    /// Paths kept until `removeDeferred()`: see `discardAfterWorkload`.
    private var deferred: [(path: String, always: Bool)] = []

    /// Removes `path` when the workload ends rather than now, so that the workload's next run
    /// writes to blocks the filesystem has not just freed. (On this kind of VM, writing into
    /// just-freed blocks ran about 4x faster than into fresh ones, which made dd bimodal; every
    /// write workload is measured on fresh blocks.) `always` removes it even with `--keep`.
    func discardAfterWorkload(_ path: String, always: Bool = false) {
        deferred.append((path, always))
    }

    func removeDeferred() {
        for d in deferred where d.always || !keep { remove(d.path) }
        deferred = []
    }

    func finish() {
        removeDeferred()
        if !keep { remove(root) }
    }
}

/// An error of the benchmark itself (not of the engine).
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ text: String) { description = text }
}

/// Sizes of files on disk.
enum DiskUsage {
    /// Total size of the regular files directly in `dir` (0 when missing).
    static func bytes(in dir: String) -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return 0 }
        var total = 0
        for name in names {
            var st = stat()
            if stat(dir + "/" + name, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG { total += Int(st.st_size) }
        }
        return total
    }

    static func segmentBytes(log: String) -> Int { bytes(in: log + "/" + LogFormat.segmentsDirectory) }
    static func indexBytes(log: String) -> Int { bytes(in: log + "/" + LogFormat.indexDirectory) }

    /// Drops the clean pages of every file of a log from the page cache (after `sync()`), so the
    /// next open reads from the disk. Works without root (POSIX_FADV_DONTNEED). Returns false
    /// when some file could not be advised.
    @discardableResult
    static func evictFromPageCache(log: String) -> Bool {
        sync()
        var ok = true
        let dirs = [log, log + "/" + LogFormat.segmentsDirectory, log + "/" + LogFormat.indexDirectory]
        for dir in dirs {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for name in names {
                let p = dir + "/" + name
                var st = stat()
                guard stat(p, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
                let fd = open(p, O_RDONLY)
                if fd < 0 { ok = false; continue }
                if posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED)) != 0 { ok = false }
                close(fd)
            }
        }
        return ok
    }
}
