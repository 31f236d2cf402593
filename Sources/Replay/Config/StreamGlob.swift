import Glibc  // fnmatch only: no system calls


/// Shell-style globs over stream names (`account-*`, `order-1?`, `[ab]*`), via fnmatch(3).
public enum StreamGlob {
    public static func matches(_ pattern: String, _ name: String) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }
}
