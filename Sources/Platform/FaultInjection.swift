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

    /// One fault as a test names it: the call, its errno and (for a write) whether half the
    /// bytes are stored first. Tests run once per fault; the description names the case.
    public struct Fault: Sendable, CustomStringConvertible {
        public var call: Call
        public var errno: Int32
        /// The disk fills in the middle of a write: half of it is stored, the next call fails.
        public var shortWrite: Bool

        public init(call: Call, errno: Int32, shortWrite: Bool = false) {
            self.call = call
            self.errno = errno
            self.shortWrite = shortWrite
        }

        public var description: String {
            "\(call.rawValue) fails with \(Syscall.strerror(errno))\(shortWrite ? " after a short write" : "")"
        }
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
        /// A `write` rule that first lets one call write half its bytes (see `arm`).
        let shortWrite: Bool
        var shortWritten = false
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
    ///
    /// With `shortWrite` (a `.write` rule only), the first matching call from the `nth` on that
    /// writes at least `shortWriteMinimum` bytes writes the first half of them for real and
    /// returns that count, as a disk that fills up mid-write does; smaller writes before it go
    /// through whole (a disk never splits a sector), and the calls after it fail as usual (the
    /// short write is not counted in `fired`).
    @discardableResult
    public static func arm(
        _ call: Call, errno: Int32, nth: Int = 1, times: Int = 1, pathContains: String, shortWrite: Bool = false
    ) -> Token {
        precondition(!pathContains.isEmpty, "scope an injected fault to a path the test owns")
        precondition(nth >= 1 && times >= 1, "nth and times count from 1")
        precondition(!shortWrite || call == .write, "only a write can be short")
        let id = state.withLock { s -> Int in
            let id = s.nextID
            s.nextID += 1
            s.rules.append(Rule(
                id: id, call: call, errno: errno, nth: nth, times: times, pathContains: pathContains, shortWrite: shortWrite))
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
        _ call: Call, errno: Int32, nth: Int = 1, times: Int = 1, pathContains: String, shortWrite: Bool = false, _ body: () throws -> R
    ) rethrows -> R {
        let token = arm(call, errno: errno, nth: nth, times: times, pathContains: pathContains, shortWrite: shortWrite)
        defer { disarm(token) }
        return try body()
    }

    /// The smallest write a `shortWrite` rule cuts: one sector.
    public static let shortWriteMinimum = 512

    /// What a wrapper does instead of (or before) the real call.
    enum Injected {
        case none
        /// Fail with this errno.
        case fail(Int32)
        /// Write only the first half of the bytes (write calls only).
        case short
    }

    /// The errno to fail this call with, or nil to make the real call. `paths` are the call's
    /// paths (two for rename: a rule matches when either contains its text).
    @inline(__always)
    static func injectedErrno(_ call: Call, _ path: String, _ other: String? = nil) -> Int32? {
        guard armedCount.load(ordering: .relaxed) > 0, case .fail(let e) = slowPath(call, path, other, count: 0) else { return nil }
        return e
    }

    /// Like `injectedErrno`, for the write wrappers, which can also be told to write short.
    @inline(__always)
    static func injectedWrite(_ path: String, count: Int) -> Injected {
        guard armedCount.load(ordering: .relaxed) > 0 else { return .none }
        return slowPath(.write, path, nil, count: count)
    }

    private static func slowPath(_ call: Call, _ path: String, _ other: String?, count: Int) -> Injected {
        state.withLock { s -> Injected in
            for i in s.rules.indices where s.rules[i].call == call {
                let text = s.rules[i].pathContains
                guard path.contains(text) || (other?.contains(text) ?? false) else { continue }
                s.rules[i].seen += 1
                if s.rules[i].seen >= s.rules[i].nth && s.rules[i].shortWrite && !s.rules[i].shortWritten {
                    guard count >= shortWriteMinimum else { continue }
                    s.rules[i].shortWritten = true
                    return .short
                }
                if s.rules[i].seen >= s.rules[i].nth && s.rules[i].fired < s.rules[i].times {
                    s.rules[i].fired += 1
                    return .fail(s.rules[i].errno)
                }
            }
            return .none
        }
    }
}
