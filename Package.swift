// swift-tools-version: 6.0
import PackageDescription

// Layers, bottom up; docs/ARCHITECTURE.md says what each target is and which targets it may import,
// and `.ci/check-layers` holds the build to it. Arrows only point down.
let package = Package(
    name: "Rewind",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rewind", targets: ["rewind"]),
        .library(name: "SafeText", targets: ["SafeText"]),
        .library(name: "TOMLSupport", targets: ["TOMLSupport"]),
        .library(name: "Platform", targets: ["Platform"]),
        .library(name: "JSON", targets: ["JSON"]),
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "Replay", targets: ["Replay"]),
        .library(name: "Interchange", targets: ["Interchange"]),
        .library(name: "TerminalUI", targets: ["TerminalUI"]),
        .library(name: "Demo", targets: ["Demo"]),
        .library(name: "NCursesTerminal", targets: ["NCursesTerminal"]),
        .library(name: "PostgresStore", targets: ["PostgresStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // Hardware CRC32C (SSE4.2) with a slicing-by-8 software fallback.
        .target(name: "CRC32C", path: "Sources/CRC32C"),
        // The one sanitizer for untrusted text on its way to a terminal, display widths, UTF-8
        // checks and the one trim. Imports nothing.
        .target(name: "SafeText", path: "Sources/SafeText"),
        // The one way TOML is read (rewind.toml, themes): a syntax check of our own before
        // TOMLKit (whose parser asserts on some bad input), key lines, name suggestions, one error.
        .target(
            name: "TOMLSupport",
            dependencies: ["SafeText", .product(name: "TOMLKit", package: "TOMLKit")],
            path: "Sources/TOMLSupport"
        ),
        // Every system call: files, directories, locks, clocks, sleeps, processes; typed IOErrors
        // and the failing-I/O seam for tests. The only target that imports Glibc for calls.
        .target(name: "Platform", path: "Sources/Platform"),
        // The ordered JSON value, its parser, printer, paths and structural diff.
        .target(
            name: "JSON",
            dependencies: [.product(name: "Collections", package: "swift-collections")],
            path: "Sources/JSON"
        ),
        // The storage engine: segments, batches, indexes, lock, recovery, readers, tailing.
        .target(name: "EventLog", dependencies: ["CRC32C", "Platform"], path: "Sources/EventLog"),
        // The part of libjq's API Rewind uses, declared by us; libjq.so.1 (the jq package) is
        // loaded at run time, so building needs no libjq-dev.
        .target(name: "CJQ", path: "Sources/CJQ", linkerSettings: [.linkedLibrary("dl")]),
        // Reducers (generic fold and jq), time travel, snapshots, upcasting, projections, lag,
        // redaction, and the rewind.toml that configures them.
        .target(
            name: "Replay",
            dependencies: [
                "Platform", "JSON", "EventLog", "CJQ", "SafeText", "TOMLSupport",
                .product(name: "Collections", package: "swift-collections"),
            ],
            path: "Sources/Replay"
        ),
        // Importers of production exports (JSON Lines, KurrentDB, kcat, Marten, Debezium) and the
        // JSON Lines shape export writes (redacted and upcasted by Replay on the way out).
        .target(name: "Interchange", dependencies: ["Platform", "JSON", "EventLog", "Replay", "SafeText"], path: "Sources/Interchange"),
        // Cells, the screen buffer and its diff, widgets, themes, the Terminal protocol and an
        // in-memory terminal for tests. Knows nothing of curses or of events.
        .target(
            name: "TerminalUI",
            dependencies: ["Platform", "SafeText", "TOMLSupport"],
            path: "Sources/TerminalUI"
        ),
        // Live PostgreSQL event stores: URLs and ~/.pgpass, a synchronous read-only client over
        // postgres-nio, the Marten and Message DB schemas, and the mappings that read them.
        .target(
            name: "PostgresStore",
            dependencies: [
                "Platform", "JSON", "EventLog", "SafeText",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/PostgresStore"
        ),
        // The app: state, messages, update and view (Elm style); three worker threads (interactive,
        // catalog, background) read and replay.
        .target(name: "Dashboard", dependencies: ["Platform", "JSON", "EventLog", "Replay", "SafeText", "TerminalUI"], path: "Sources/Dashboard"),
        // The samples' generators (deterministic histories of any size) and the live demo
        // session (a writer and projections at different speeds).
        .target(name: "Demo", dependencies: ["Platform", "JSON", "EventLog", "Replay", "Interchange", "PostgresStore"], path: "Sources/Demo"),
        // ncursesw headers plus a shim for the macros and globals Swift cannot import
        // (Debian: apt-get install libncurses-dev).
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
        // The only code that talks to ncurses: the real `Terminal`.
        .target(name: "NCursesTerminal", dependencies: ["SafeText", "TerminalUI", "CNcursesw"], path: "Sources/NCursesTerminal"),
        .executableTarget(
            name: "rewind",
            dependencies: [
                "Platform", "JSON", "EventLog", "Replay", "Interchange", "Demo", "SafeText", "TerminalUI", "NCursesTerminal", "Dashboard",
                "PostgresStore", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/rewind"
        ),
        // A writer that appends forever and prints what was acknowledged: the victim of the
        // kill -9 fault tests.
        .executableTarget(name: "rewind-crash-writer", dependencies: ["Platform", "EventLog"], path: "Tests/CrashWriter"),
        // Opens the real terminal, draws a frame and echoes input: driven in tmux by
        // NCursesTerminalTests.
        .executableTarget(name: "rewind-term-check", dependencies: ["NCursesTerminal", "TerminalUI"], path: "Tests/TermCheck"),
        // Benchmarks are programs that print figures: `swift run -c release rewind-bench`.
        .executableTarget(name: "rewind-dashboard-bench", dependencies: ["Platform", "JSON", "Dashboard", "EventLog", "Replay", "TerminalUI"], path: "Benchmarks/DashboardBench"),
        .executableTarget(name: "rewind-bench", dependencies: ["Platform", "JSON", "EventLog", "Replay"], path: "Benchmarks/RewindBench"),
        // The PostgreSQL store's figures (Benchmarks/postgres-bench.sh runs it against a loaded server).
        .executableTarget(name: "rewind-pg-bench", dependencies: ["EventLog", "PostgresStore"], path: "Benchmarks/PostgresBench"),
        .testTarget(name: "SafeTextTests", dependencies: ["SafeText"], path: "Tests/SafeTextTests"),
        .testTarget(name: "TOMLSupportTests", dependencies: ["SafeText", "TOMLSupport", "Demo"], path: "Tests/TOMLSupportTests"),
        .testTarget(name: "PlatformTests", dependencies: ["Platform"], path: "Tests/PlatformTests"),
        .testTarget(name: "JSONTests", dependencies: ["JSON"], path: "Tests/JSONTests"),
        .testTarget(name: "EventLogTests", dependencies: ["Platform", "EventLog", "CRC32C"], path: "Tests/EventLogTests"),
        .testTarget(name: "TerminalUITests", dependencies: ["SafeText", "TerminalUI"], path: "Tests/TerminalUITests"),
        .testTarget(name: "DashboardTests", dependencies: ["Platform", "JSON", "Dashboard", "SafeText", "TerminalUI", "Replay", "EventLog"], path: "Tests/DashboardTests", exclude: ["__Snapshots__"]),
        // Drives programs in a private tmux server (end-to-end tests of the terminal and the dashboard).
        .target(name: "TmuxHarness", path: "Tests/TmuxHarness"),
        // A throwaway PostgreSQL server (initdb, a private socket and port) shared by one test process.
        .target(name: "PostgresHarness", dependencies: ["TmuxHarness"], path: "Tests/PostgresHarness"),
        .testTarget(name: "PostgresStoreTests", dependencies: ["Platform", "EventLog", "Replay", "PostgresStore", "PostgresHarness"], path: "Tests/PostgresStoreTests"),
        .testTarget(name: "NCursesTerminalTests", dependencies: ["NCursesTerminal", "SafeText", "TerminalUI", "TmuxHarness", "rewind-term-check"], path: "Tests/NCursesTerminalTests"),
        .testTarget(name: "ReplayTests", dependencies: ["Platform", "JSON", "EventLog", "Replay"], path: "Tests/ReplayTests"),
        .testTarget(name: "InterchangeTests", dependencies: ["Platform", "JSON", "EventLog", "Replay", "Interchange"], path: "Tests/InterchangeTests"),
        .testTarget(name: "DemoTests", dependencies: ["Platform", "JSON", "Demo", "EventLog", "Replay", "Interchange", "PostgresStore", "PostgresHarness"], path: "Tests/DemoTests"),
        .testTarget(name: "RewindCLITests", dependencies: ["Platform", "JSON", "EventLog", "Replay", "Interchange", "SafeText", "TmuxHarness", "PostgresHarness", "PostgresStore", "rewind", "rewind-crash-writer"], path: "Tests/RewindCLITests"),
    ],
    swiftLanguageModes: [.v6]
)
