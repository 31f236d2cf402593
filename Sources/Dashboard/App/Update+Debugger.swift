import SafeText
import TerminalUI

/// The projection debugger's keys: a slider over the events one projection handles.
extension Dashboard {
    /// Handled events PgUp and PgDn move by.
    static let debuggerPage = 10

    /// Opens the debugger on projection `name`: at the instant when the dashboard is at one,
    /// else at its last handled event (for a faulted projection, the poison event).
    static func openDebugger(_ state: inout DashboardState, projection name: String) -> [Effect] {
        var d = DebuggerState(projection: name)
        // Not `state.instant?.position.map { .at($0) } ?? .last`: swiftc 6.3.1 -O crashes on it
        // ("Found outside of lifetime use", ownership verifier), so release builds failed.
        let move: DebugMove
        if let p = state.instant?.position { move = .at(p) } else { move = .last }
        d.pending = move
        state.debugger = d
        state.mode = .debugger
        return [.request(.debug(projection: name, key: nil, from: 0, move: move))]
    }

    static func debuggerLoaded(_ state: inout DashboardState, _ view: DebugStepView) -> [Effect] {
        guard var d = state.debugger, d.projection == view.projection, d.key == view.key else { return [] }
        d.view = view
        d.position = view.step?.position ?? 0
        d.pending = nil
        d.scroll = 0
        state.debugger = d
        if let e = view.error { notify(&state, "\(view.projection): \(e)", error: true) }
        return []
    }

    static func debuggerKey(_ state: inout DashboardState, _ key: Key) -> [Effect] {
        guard var d = state.debugger else { state.mode = .normal; return [] }
        if let prompt = d.prompt { return debuggerPromptKey(&state, &d, prompt, key) }
        var effects: [Effect] = []
        switch key {
        case .escape, .character("q"):
            state.mode = .normal
            state.debugger = nil
            return []
        case .left, .character("h"): effects = move(&d, .by(-1))
        case .right, .character("l"): effects = move(&d, .by(1))
        case .pageUp, .character("["): effects = move(&d, .by(-debuggerPage))
        case .pageDown, .character("]"): effects = move(&d, .by(debuggerPage))
        case .home: effects = move(&d, .first)
        case .end: effects = move(&d, .last)
        case .character("f"):
            guard d.view?.fault?.position != nil else {
                notify(&state, "\(d.projection) has no fault in the log", error: false)
                return []
            }
            effects = move(&d, .fault)
        case .character("j"), .down: d.scroll += 1
        case .character("k"), .up: d.scroll = max(0, d.scroll - 1)
        case .character(":"): d.prompt = .position("")
        case .character("P"): d.prompt = .key(d.key ?? "")
        case .character("p"):
            guard d.view?.isPartitioned == true else {
                notify(&state, "\(d.projection) is not partitioned", error: false)
                return []
            }
            if d.key != nil {
                d.key = nil
            } else if let k = d.view?.step?.key {
                d.key = k
            } else {
                notify(&state, "the event here has no partition key", error: false)
                return []
            }
            d.view = nil
            d.pending = .at(d.position)
            effects = [.request(.debug(projection: d.projection, key: d.key, from: d.position, move: .at(d.position)))]
        case .enter:
            // The event at the cursor, in its stream.
            guard let step = d.view?.step else { return [] }
            state.mode = .normal
            state.debugger = nil
            return jump(&state, stream: step.stream, version: step.version)
        case .character("?"), .function(1):
            state.debugger = d
            state.mode = .help(scroll: 0)
            return []
        default: break
        }
        state.debugger = d
        return effects
    }

    /// Asks for the stop `m` leads to; relative moves made while one is on its way add up.
    static func move(_ d: inout DebuggerState, _ m: DebugMove) -> [Effect] {
        var next = m
        if case .by(let n) = m, case .by(let k)? = d.pending { next = .by(k + n) }
        d.pending = next
        return [.request(.debug(projection: d.projection, key: d.key, from: d.position, move: next))]
    }

    static func debuggerPromptKey(_ state: inout DashboardState, _ d: inout DebuggerState, _ prompt: DebuggerState.Prompt, _ key: Key) -> [Effect] {
        var text: String
        switch prompt { case .position(let t), .key(let t): text = t }
        func set(_ t: String) {
            switch prompt {
            case .position: d.prompt = .position(t)
            case .key: d.prompt = .key(t)
            }
        }
        switch key {
        case .escape:
            d.prompt = nil
        case .backspace:
            if text.isEmpty { d.prompt = nil } else { text.removeLast(); set(text) }
        case .character(let c):
            text.append(c)
            set(text)
        case .enter:
            d.prompt = nil
            let t = text.trimmed()
            switch prompt {
            case .position:
                guard let p = UInt64(t.hasPrefix("@") ? String(t.dropFirst()) : t) else {
                    notify(&state, "the debugger's : takes a global position, like 1200 or @1200", error: true)
                    state.debugger = d
                    return []
                }
                let effects = move(&d, .at(p))
                state.debugger = d
                return effects
            case .key:
                d.key = t.isEmpty ? nil : t
                d.view = nil
                d.pending = .at(d.position)
                state.debugger = d
                return [.request(.debug(projection: d.projection, key: d.key, from: d.position, move: .at(d.position)))]
            }
        default:
            break
        }
        state.debugger = d
        return []
    }
}
