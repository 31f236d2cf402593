import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What the figures were measured on: printed above the tables and put in the JSON.
struct Machine {
    var cpus: Int
    var cpuModel: String
    var kernel: String
    var memoryGiB: Double
    var filesystem: String
    var mountPoint: String
    var device: String

    static func describe(dir: String) -> Machine {
        let cpus = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { String($0).trimmed() } ?? "unknown"
        var u = utsname()
        uname(&u)
        let release = withUnsafeBytes(of: &u.release) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let memKiB = meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal:") }
            .flatMap { line in line.split(separator: " ").dropFirst().first.flatMap { Double($0) } } ?? 0

        // The mount whose mount point is the longest prefix of the directory's real path.
        var resolved = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let real = realpath(dir, &resolved) != nil
            ? String(decoding: resolved.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : dir
        var best = (point: "", type: "unknown", device: "unknown")
        let mounts = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
        for line in mounts.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count >= 3 else { continue }
            let point = String(f[1])
            let covers = point == "/" || real == point || real.hasPrefix(point + "/")
            if covers && point.count >= best.point.count { best = (point, String(f[2]), String(f[0])) }
        }
        return Machine(
            cpus: cpus, cpuModel: model, kernel: release, memoryGiB: memKiB / 1_048_576,
            filesystem: best.type, mountPoint: best.point, device: best.device)
    }

    /// The first three fields of /proc/loadavg (1, 5 and 15 minutes).
    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    var oneLine: String {
        "\(cpus) CPUs (\(cpuModel)), \(String(format: "%.1f", memoryGiB)) GiB RAM, Linux \(kernel), " +
            "scratch on \(filesystem) (\(device) mounted at \(mountPoint))"
    }

    var json: [String: Any] {
        ["cpus": cpus, "cpu_model": cpuModel, "kernel": kernel, "memory_gib": memoryGiB,
         "filesystem": filesystem, "mount_point": mountPoint, "device": device]
    }
}
