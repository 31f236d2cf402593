// swift-tools-version: 6.0
import PackageDescription

// Layers, bottom up (see docs/ARCHITECTURE in README): CRC32C -> EventLog -> Replay -> Demo -> rewind.
// Arrows only point down: nothing below `rewind` knows about the command line.
let package = Package(
    name: "Rewind",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rewind", targets: ["rewind"]),
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "Replay", targets: ["Replay"]),
        .library(name: "TerminalUI", targets: ["TerminalUI"]),
        .library(name: "Demo", targets: ["Demo"]),
        .library(name: "NCursesTerminal", targets: ["NCursesTerminal"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // Hardware CRC32C (SSE4.2) with a slicing-by-8 software fallback.
        .target(name: "CRC32C", path: "Sources/CRC32C"),
        // The storage engine: segments, batches, indexes, lock, recovery, readers, tailing.
        .target(name: "EventLog", dependencies: ["CRC32C"], path: "Sources/EventLog"),
        // The part of libjq's API Rewind uses, declared by us; libjq.so.1 (the jq package) is
        // loaded at run time, so building needs no libjq-dev.
        .target(name: "CJQ", path: "Sources/CJQ", linkerSettings: [.linkedLibrary("dl")]),
        // JSON values, reducers, time travel, snapshots, projections.
        .target(
            name: "Replay",
            dependencies: [
                "EventLog", "CJQ",
                .product(name: "Collections", package: "swift-collections"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            path: "Sources/Replay"
        ),
        // Cells, the screen buffer and its diff, widgets, themes, the Terminal protocol and an
        // in-memory terminal for tests. Knows nothing of curses or of events.
        .target(
            name: "TerminalUI",
            dependencies: [.product(name: "TOMLKit", package: "TOMLKit")],
            path: "Sources/TerminalUI"
        ),
        // The app: state, messages, update and view (Elm style); a worker thread does the replay.
        .target(name: "Dashboard", dependencies: ["EventLog", "Replay", "TerminalUI"], path: "Sources/Dashboard"),
        // The samples' generators (deterministic histories of any size) and the live demo
        // session (a writer and projections at different speeds).
        .target(name: "Demo", dependencies: ["EventLog", "Replay"], path: "Sources/Demo"),
        // ncursesw headers plus a shim for the macros and globals Swift cannot import
        // (Debian: apt-get install libncurses-dev).
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
        // The only code that talks to ncurses: the real `Terminal`.
        .target(name: "NCursesTerminal", dependencies: ["TerminalUI", "CNcursesw"], path: "Sources/NCursesTerminal"),
        .executableTarget(
            name: "rewind",
            dependencies: [
                "EventLog", "Replay", "Demo", "TerminalUI", "NCursesTerminal", "Dashboard",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/rewind"
        ),
        // A writer that appends forever and prints what was acknowledged: the victim of the
        // kill -9 fault tests.
        .executableTarget(name: "rewind-crash-writer", dependencies: ["EventLog"], path: "Tests/CrashWriter"),
        // Opens the real terminal, draws a frame and echoes input: driven in tmux by
        // NCursesTerminalTests.
        .executableTarget(name: "rewind-term-check", dependencies: ["NCursesTerminal", "TerminalUI"], path: "Tests/TermCheck"),
        // Benchmarks are programs that print figures: `swift run -c release rewind-bench`.
        .executableTarget(name: "rewind-dashboard-bench", dependencies: ["Dashboard", "EventLog", "Replay", "TerminalUI"], path: "Benchmarks/DashboardBench"),
        .executableTarget(name: "rewind-bench", dependencies: ["EventLog", "Replay"], path: "Benchmarks/RewindBench"),
        .testTarget(name: "EventLogTests", dependencies: ["EventLog", "CRC32C"], path: "Tests/EventLogTests"),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI"], path: "Tests/TerminalUITests"),
        .testTarget(name: "DashboardTests", dependencies: ["Dashboard", "TerminalUI", "Replay", "EventLog"], path: "Tests/DashboardTests", exclude: ["__Snapshots__"]),
        // Drives programs in a private tmux server (end-to-end tests of the terminal and the dashboard).
        .target(name: "TmuxHarness", path: "Tests/TmuxHarness"),
        .testTarget(name: "NCursesTerminalTests", dependencies: ["NCursesTerminal", "TerminalUI", "TmuxHarness", "rewind-term-check"], path: "Tests/NCursesTerminalTests"),
        .testTarget(name: "ReplayTests", dependencies: ["Replay"], path: "Tests/ReplayTests"),
        .testTarget(name: "DemoTests", dependencies: ["Demo", "EventLog", "Replay"], path: "Tests/DemoTests"),
        .testTarget(name: "RewindCLITests", dependencies: ["EventLog", "Replay", "TmuxHarness", "rewind", "rewind-crash-writer"], path: "Tests/RewindCLITests"),
    ],
    swiftLanguageModes: [.v6]
)
