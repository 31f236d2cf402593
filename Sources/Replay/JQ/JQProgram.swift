import CJQ
import JSON

/// Why a jq expression could not be compiled or run.
public struct JQError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One compiled jq expression, run many times. Compiling costs ~16 ms (libjq rebuilds its
/// builtins), so each handler is compiled once and events are fed through `input`: the
/// program is `input as $e | (EXPR)`, with the state as `.`.
///
/// Every run is watched by `JQWatchdog` under the program's `limits`: past its time budget or
/// memory ceiling it is stopped and `run` throws a `JQError` saying which, like a runtime
/// error; when Rewind quits it throws `JQInterrupted`. `JQPrelude` is compiled in front of the
/// expression (no `debug` output, no `halt`, no environment).
///
/// Not thread-safe and not Sendable: a `jq_state` and its values must stay on one thread.
public final class JQProgram {
    private let state: OpaquePointer
    private let inputBox: InputBox
    private let slot: JQWatchdog.Slot
    /// The budget of each run; may be changed between runs (a program the config check
    /// compiled is handed to its owner before `[limits]` is known to it).
    public var limits: JQLimits {
        get { slot.limits }
        set { slot.limits = newValue }
    }
    public let source: String
    /// Whether `$e` is bound (the program reads its event through `input`).
    public let bindsEvent: Bool

    /// The event handed to `input` on the next run, owned here.
    final class InputBox {
        var pending: jv?
        var errors: [String] = []

        deinit { if let pending { jv_free(pending) } }
    }

    /// Compiles `expression`. With `bindsEvent`, `$e` is the event passed to `run`.
    /// Throws a `JQError` carrying libjq's own message for a bad expression.
    public init(_ expression: String, bindsEvent: Bool, limits: JQLimits = .standard) throws {
        guard cjq_load() != 0 else {
            throw JQError(cjq_load_error().map { String(cString: $0) } ?? "libjq could not be loaded")
        }
        guard let jq = jq_init() else { throw JQError("libjq could not start (out of memory)") }
        state = jq
        source = expression
        self.bindsEvent = bindsEvent
        inputBox = InputBox()
        slot = JQWatchdog.Slot(jqState: jq, limits: limits)
        let box = Unmanaged.passUnretained(inputBox).toOpaque()
        // jq 1.6's jq_init leaves both uninitialised: `debug` would call a garbage pointer, and
        // so would a failed malloc. The prelude hides `debug`; this makes it harmless anyway.
        jq_set_debug_cb(jq, { _, message in jv_free(message) }, nil)
        jq_set_nomem_handler(jq, nil, nil)
        jq_set_error_cb(jq, { context, message in
            guard let context else { jv_free(message); return }
            let box = Unmanaged<InputBox>.fromOpaque(context).takeUnretainedValue()
            box.errors.append(JVConvert.describe(jq_format_error(message)))
        }, box)
        jq_set_input_cb(jq, { _, context in
            guard let context else { return jv_invalid() }
            let box = Unmanaged<InputBox>.fromOpaque(context).takeUnretainedValue()
            guard let event = box.pending else { return jv_invalid() }
            box.pending = nil
            return event
        }, box)
        // Newlines keep a trailing `# comment` in the user's text from swallowing the paren.
        // The prelude goes after `input as $e`, whose `input` must stay jq's own.
        let body = JQPrelude.text + "(\n\(expression)\n)"
        let program = bindsEvent ? "input as $e | " + body : body
        let ok = jq_compile(jq, program)
        if ok == 0 {
            let messages = inputBox.errors.map { $0.replacingOccurrences(of: "jq: error: ", with: "") }
            throw JQError(messages.isEmpty ? "jq could not compile the expression" : messages.joined(separator: "; "))
        }
        inputBox.errors = []
        JQWatchdog.shared.register(slot)
    }

    deinit {
        JQWatchdog.shared.unregister(slot)
        var s: OpaquePointer? = state
        jq_teardown(&s)
    }

    /// Runs the program on `input` (consumed) with `$e` = `event` (consumed, when binding).
    /// Returns the first output (owned), nil when the program outputs nothing (`empty`), or
    /// throws the runtime error's message (or the watchdog's: over budget, over the ceiling).
    /// - Throws: `JQError`; `JQInterrupted` when Rewind is quitting.
    func run(input: consuming OwnedJV, event: consuming OwnedJV?) throws -> OwnedJV? {
        if let pending = inputBox.pending { jv_free(pending) }
        inputBox.pending = event?.take()
        jq_start(state, input.take(), 0)
        // After jq_start, which clears a halt: the watchdog may halt from here on.
        try JQWatchdog.shared.begin(slot)
        let result = OwnedJV(jq_next(state))
        if let reason = JQWatchdog.shared.end(slot) {
            switch reason {
            case .interrupted: throw JQInterrupted()
            case .time: throw JQError("stopped after its time budget of \(slot.limits.handlerMillis) ms (raise [limits] handlerMillis in rewind.toml if it needs more)")
            case .memory: throw JQError("stopped after the process grew past its memory ceiling of \(slot.limits.handlerMemoryMiB) MiB (raise [limits] handlerMemoryMiB in rewind.toml if it needs more)")
            }
        }
        if jv_get_kind(result.borrow) == JV_KIND_INVALID {
            let invalid = result.take()
            if jv_invalid_has_msg(jv_copy(invalid)) != 0 {
                let message = JVConvert.describe(jv_invalid_get_msg(invalid))
                throw JQError(message)
            }
            jv_free(invalid)
            return nil
        }
        return result
    }

    /// Whether any output of the program on `input` (consumed) is truthy (neither false nor
    /// null): outputs are taken one by one until a truthy one; none, or `empty`, is false.
    /// - Throws: the runtime error met before a truthy output (`JQError`, as `run`);
    ///   `JQInterrupted` when Rewind is quitting or the thread's runs were cancelled.
    func anyTruthy(input: consuming OwnedJV) throws -> Bool {
        if let pending = inputBox.pending { jv_free(pending) }
        inputBox.pending = nil
        jq_start(state, input.take(), 0)
        try JQWatchdog.shared.begin(slot)
        var truthy = false
        var failure: String?
        while true {
            let output = OwnedJV(jq_next(state))
            let kind = output.kind
            if kind == JV_KIND_INVALID {
                let invalid = output.take()
                if jv_invalid_has_msg(jv_copy(invalid)) != 0 {
                    failure = JVConvert.describe(jv_invalid_get_msg(invalid))
                } else {
                    jv_free(invalid)
                }
                break
            }
            if kind != JV_KIND_FALSE && kind != JV_KIND_NULL { truthy = true; break }
        }
        if let reason = JQWatchdog.shared.end(slot) {
            switch reason {
            case .interrupted: throw JQInterrupted()
            case .time: throw JQError("stopped after its time budget of \(slot.limits.handlerMillis) ms")
            case .memory: throw JQError("stopped after the process grew past its memory ceiling of \(slot.limits.handlerMemoryMiB) MiB")
            }
        }
        if let failure { throw JQError(failure) }
        return truthy
    }

    /// Convenience for callers outside the hot path: JSON in, JSON out.
    public func evaluate(_ input: JSONValue, event: JSONValue? = nil) throws -> JSONValue? {
        let eventJV: OwnedJV? = if let event { OwnedJV(JVConvert.make(event)) } else { nil }
        let output = try run(input: OwnedJV(JVConvert.make(input)), event: eventJV)
        switch consume output {
        case .some(let value): return JVConvert.read(value.borrow)
        case .none: return nil
        }
    }
}

private extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let r = rest.range(of: target) {
            result += rest[..<r.lowerBound]
            result += replacement
            rest = rest[r.upperBound...]
        }
        return result + rest
    }
}
