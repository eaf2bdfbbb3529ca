import Foundation

/// How much more memory this process can take: the kernel's MemAvailable, lowered to what the
/// cgroup (a container's limit) still allows. `nil` where neither can be read, then the loader
/// does not check.
enum AvailableMemory {
    static func bytes() -> Int? {
        var result: Int?
        if let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
            let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        {
            result = kilobytes * 1024
        }
        let cgroups = [
            ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
            ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes")
        ]
        for (limitFile, usageFile) in cgroups {
            guard let limit = number(limitFile), let usage = number(usageFile) else { continue }
            let left = max(0, limit - usage)
            result = min(result ?? left, left)
            break
        }
        return result
    }

    /// The integer in a one-line file; `nil` for "max" or anything unreadable.
    private static func number(_ path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
