import Synchronization

/// A process-wide, test-only seam that makes chosen system calls fail with a chosen errno.
///
/// Tests arm a rule ("the 3rd `fdatasync` on a path containing `/tmp/t-81f2/` fails with EIO,
/// once"); the wrappers in `Syscall` consult the seam before making the real call and, when a
/// rule fires, behave exactly as if the kernel had returned -1 with that errno — so an injected
/// EINTR is retried like a real one. Tests run in parallel, so every rule is scoped to paths
/// that contain `pathContains` (a test's own temporary directory): other tests never see it.
///
/// When nothing is armed the cost is one relaxed atomic load per call.
public enum FaultInjection {
    /// The calls a rule can fail. `read` covers read and pread; `write` covers write and pwrite.
    public enum Call: String, Sendable, CaseIterable {
        case open, read, write, fdatasync, fsync, rename, ftruncate, mkdir, unlink
    }

    /// Names one armed rule, to disarm it or ask how often it fired.
    public struct Token: Sendable, Hashable {
        let id: Int
    }

    struct Rule {
        let id: Int
        let call: Call
        let errno: Int32
        let nth: Int
        let times: Int
        let pathContains: String
        /// Matching calls seen so far.
        var seen = 0
        /// Calls failed so far.
        var fired = 0
    }

    private static let armedCount = Atomic<Int>(0)
    private static let state = Mutex<(nextID: Int, rules: [Rule])>((1, []))

    /// Makes the `nth` (1-based) and following matching calls fail with `errno`, `times` times
    /// in all (`Int.max`: every one from the `nth` on). A call matches when it is `call` and
    /// its path contains `pathContains`, which must not be empty (scope it to a directory the
    /// test owns). Returns a token for `disarm` and `fired`.
    @discardableResult
    public static func arm(_ call: Call, errno: Int32, nth: Int = 1, times: Int = 1, pathContains: String) -> Token {
        precondition(!pathContains.isEmpty, "scope an injected fault to a path the test owns")
        precondition(nth >= 1 && times >= 1, "nth and times count from 1")
        let id = state.withLock { s -> Int in
            let id = s.nextID
            s.nextID += 1
            s.rules.append(Rule(id: id, call: call, errno: errno, nth: nth, times: times, pathContains: pathContains))
            return id
        }
        armedCount.add(1, ordering: .releasing)
        return Token(id: id)
    }

    /// Removes the rule; calls after this are not affected by it. Disarming twice is harmless.
    public static func disarm(_ token: Token) {
        let removed = state.withLock { s -> Bool in
            guard let i = s.rules.firstIndex(where: { $0.id == token.id }) else { return false }
            s.rules.remove(at: i)
            return true
        }
        if removed { armedCount.subtract(1, ordering: .releasing) }
    }

    /// How many calls the rule has failed so far (0 once it is disarmed).
    public static func fired(_ token: Token) -> Int {
        state.withLock { s in s.rules.first(where: { $0.id == token.id })?.fired ?? 0 }
    }

    /// Arms a rule for the duration of `body` and disarms it however `body` ends.
    @discardableResult
    public static func with<R>(
        _ call: Call, errno: Int32, nth: Int = 1, times: Int = 1, pathContains: String, _ body: () throws -> R
    ) rethrows -> R {
        let token = arm(call, errno: errno, nth: nth, times: times, pathContains: pathContains)
        defer { disarm(token) }
        return try body()
    }

    /// The errno to fail this call with, or nil to make the real call. `paths` are the call's
    /// paths (two for rename: a rule matches when either contains its text).
    @inline(__always)
    static func injectedErrno(_ call: Call, _ path: String, _ other: String? = nil) -> Int32? {
        guard armedCount.load(ordering: .relaxed) > 0 else { return nil }
        return slowPath(call, path, other)
    }

    private static func slowPath(_ call: Call, _ path: String, _ other: String?) -> Int32? {
        state.withLock { s -> Int32? in
            for i in s.rules.indices where s.rules[i].call == call {
                let text = s.rules[i].pathContains
                guard path.contains(text) || (other?.contains(text) ?? false) else { continue }
                s.rules[i].seen += 1
                if s.rules[i].seen >= s.rules[i].nth && s.rules[i].fired < s.rules[i].times {
                    s.rules[i].fired += 1
                    return s.rules[i].errno
                }
            }
            return nil
        }
    }
}
