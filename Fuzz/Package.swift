// swift-tools-version: 6.0
import PackageDescription

// libFuzzer targets for Rewind (see docs/FUZZING.md; run them with `Fuzz/run`).
//
// A package of its own so that `swift build` and `swift test` at the top never compile fuzz
// code. `rewind` is a symbolic link to the repository root: SwiftPM names a path dependency
// after its directory, and the checkout's directory can have any name (even `fuzz`, which would
// clash with this package's own identity), so the link gives the dependency a fixed name.
let package = Package(
    name: "RewindFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "rewind")],
    targets: [
        // Helpers the targets share: scratch files on tmpfs, failing loudly, the logs and
        // mutations of the segment target, the importers' harness.
        .target(
            name: "FuzzSupport",
            dependencies: [
                .product(name: "Platform", package: "rewind"),
                .product(name: "EventLog", package: "rewind"),
                .product(name: "Interchange", package: "rewind"),
            ],
            path: "Sources/FuzzSupport"
        ),
        .executableTarget(
            name: "fuzz-json",
            dependencies: ["FuzzSupport", .product(name: "JSON", package: "rewind")],
            path: "Sources/fuzz-json"
        ),
        .executableTarget(
            name: "fuzz-segment",
            dependencies: ["FuzzSupport", .product(name: "EventLog", package: "rewind")],
            path: "Sources/fuzz-segment"
        ),
        .executableTarget(
            name: "fuzz-index",
            dependencies: ["FuzzSupport", .product(name: "EventLog", package: "rewind")],
            path: "Sources/fuzz-index"
        ),
        .executableTarget(
            name: "fuzz-trace-index",
            dependencies: ["FuzzSupport", .product(name: "Replay", package: "rewind")],
            path: "Sources/fuzz-trace-index"
        ),
        .executableTarget(
            name: "fuzz-config",
            dependencies: ["FuzzSupport", .product(name: "Replay", package: "rewind")],
            path: "Sources/fuzz-config"
        ),
        .executableTarget(name: "fuzz-import-jsonl", dependencies: ["FuzzSupport"], path: "Sources/fuzz-import-jsonl"),
        .executableTarget(name: "fuzz-import-kurrent", dependencies: ["FuzzSupport"], path: "Sources/fuzz-import-kurrent"),
        .executableTarget(name: "fuzz-import-kcat", dependencies: ["FuzzSupport"], path: "Sources/fuzz-import-kcat"),
        .executableTarget(name: "fuzz-import-marten", dependencies: ["FuzzSupport"], path: "Sources/fuzz-import-marten"),
        .executableTarget(name: "fuzz-import-debezium", dependencies: ["FuzzSupport"], path: "Sources/fuzz-import-debezium"),
    ],
    swiftLanguageModes: [.v6]
)
