import EventLog
import Foundation
import Replay
import TerminalUI
import Platform

/// Runs the dashboard on a terminal: reads input, feeds messages to `Dashboard.update`, hands
/// requests to the log workers, and presents each new frame as a diff.
///
/// The input thread (the caller of `run`) never replays: three `LogWorker`s do (interactive,
/// catalog, background), and their answers come back as messages. While any worker is busy the
/// loop polls every 2 ms so an answer reaches the screen at once; when idle it wakes for input or
/// the next tick.
public final class DashboardApp {
    public let terminal: any Terminal
    public private(set) var state: DashboardState
    public var theme: Theme
    private let screen: Screen
    /// Serves what a key waits for (state, events, streams); never blocked by slow work.
    private let worker: LogWorker
    /// Serves slow work: blame, densities, lag, snapshot verification.
    private let background: LogWorker
    /// Serves the streams list.
    private let catalog: LogWorker
    /// Serves `:find` (a search reads the whole log; it must delay nothing else).
    private let search: LogWorker
    private let outbox = Outbox()
    private var lastTick: Int64 = 0
    private var lastRender: Int64 = 0
    /// Called after each frame is presented (benchmarks measure key-to-frame with it).
    public var onFrame: ((DashboardState) -> Void)?
    /// Frames presented so far.
    public private(set) var frames = 0

    /// - Parameters:
    ///   - source: the log to show, for interactive requests; `catalogSource` serves the streams
    ///     list and `backgroundSource` slow work (same log, each its own reducers). Each is handed
    ///     to its worker's thread, which starts now.
    ///   - theme: the theme as loaded; it is adapted to the terminal's colours here.
    public init(terminal: any Terminal, source: sending LogSource, backgroundSource: sending LogSource, catalogSource: sending LogSource, theme: Theme) {
        self.terminal = terminal
        self.theme = theme.adapted(to: terminal.colorDepth)
        self.screen = Screen(terminal: terminal)
        let log = source.log, config = source.config
        self.state = DashboardState(logPath: source.log.location, writable: source.writable, size: terminal.size, nowMicros: WallClock.nowMicros())
        self.worker = LogWorker(source: source, outbox: outbox)
        self.background = LogWorker(source: backgroundSource, outbox: outbox)
        self.catalog = LogWorker(source: catalogSource, outbox: outbox)
        self.search = LogWorker(source: LogSource(log: log, config: config), outbox: outbox)
        worker.start()
        background.start()
        catalog.start()
        search.start()
        perform(Dashboard.start(&state))
    }

    /// Opens the sources for `log` and starts the app.
    public convenience init(terminal: any Terminal, log: any EventStore, config: RewindConfig, writable: Bool, theme: Theme) {
        self.init(terminal: terminal, source: LogSource(log: log, config: config, writable: writable),
                  backgroundSource: LogSource(log: log, config: config, writable: writable),
                  catalogSource: LogSource(log: log, config: config, writable: writable), theme: theme)
    }

    deinit { stopWorkers() }

    private func stopWorkers() {
        // All at once: each may be inside a handler that only stopping cuts short.
        for w in [worker, background, catalog, search] { w.requestStop() }
        worker.stop()
        background.stop()
        catalog.stop()
        search.stop()
    }

    /// Runs until the user quits (or `shouldStop` says so). The caller restores the terminal.
    public func run(shouldStop: () -> Bool = { false }) {
        render()
        while !state.quitting && !shouldStop() {
            step()
        }
        stopWorkers()
    }

    /// One turn of the loop: wait briefly for input, apply every message, draw if anything changed.
    public func step() {
        // Poll quickly while an answer is on its way (the worker posts before it goes idle, so
        // one of these holds until the answer is drained); otherwise wait for input or a tick.
        let inFlight = worker.hasWork || background.hasWork || catalog.hasWork || search.hasWork || !outbox.isEmpty
        let timeout = inFlight ? 2 : (state.playing != nil ? 16 : 50)
        let input = terminal.readInput(timeoutMillis: timeout)
        var messages: [Message] = []
        for event in input {
            switch event {
            case .key(let k): messages.append(.key(k))
            case .mouse(let m): messages.append(.mouse(m))
            case .resize(let size):
                screen.invalidate()
                messages.append(.resize(size))
            }
        }
        if !messages.isEmpty {
            // Input changes what is shown: apply it, and give the interactive worker a few
            // milliseconds to answer so the frame shows the new state, not a stale one.
            for m in messages { send(m) }
            messages.removeAll()
            _ = worker.waitUntilIdle(timeout: 0.008)
        }
        messages += outbox.drain()
        let now = WallClock.nowMicros()
        if now - lastTick >= (state.playing != nil ? 16_000 : 50_000) {
            lastTick = now
            messages.append(.tick(micros: now))
        }
        guard !messages.isEmpty || !input.isEmpty else { return }
        for m in messages { send(m) }
        // A tick alone changes little on screen (ages, a notice expiring): redraw for it at most
        // once a second, unless playing. Everything else redraws at once.
        let onlyTicks = input.isEmpty && messages.allSatisfy { if case .tick = $0 { return true } else { return false } }
        if onlyTicks && state.playing == nil && now - lastRender < 1_000_000 { return }
        render()
    }

    /// Applies one message now (tests and benchmarks drive the app with this).
    public func send(_ message: Message) {
        perform(Dashboard.update(&state, message))
    }

    /// Waits for the workers to answer everything asked, applying the answers; then draws.
    public func settle(timeout: Double = 10) {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            _ = worker.waitUntilIdle(timeout: max(0, deadline.timeIntervalSinceNow))
            _ = background.waitUntilIdle(timeout: max(0, deadline.timeIntervalSinceNow))
            _ = catalog.waitUntilIdle(timeout: max(0, deadline.timeIntervalSinceNow))
            _ = search.waitUntilIdle(timeout: max(0, deadline.timeIntervalSinceNow))
            let messages = outbox.drain()
            for m in messages { send(m) }
            if messages.isEmpty && !worker.hasWork && !background.hasWork && !catalog.hasWork && !search.hasWork { break }
        } while Date() < deadline
        render()
    }

    public func render() {
        lastRender = WallClock.nowMicros()
        var frame = screen.makeFrame()
        if frame.size != state.size {
            // The terminal changed size before its resize event arrived.
            perform(Dashboard.update(&state, .resize(frame.size)))
        }
        DashboardView.render(state, theme: theme, into: &frame)
        screen.present(frame)
        frames += 1
        onFrame?(state)
    }

    /// Cells sent to the terminal by the last frame.
    public var lastCellsSent: Int { screen.lastCellsSent }

    private func perform(_ effects: [Effect]) {
        for e in effects {
            switch e {
            case .request(let r): (r.isInteractive ? worker : r.isCatalog ? catalog : r.isSearch ? search : background).submit(r)
            case .quit: state.quitting = true
            }
        }
    }
}
