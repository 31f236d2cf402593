#if canImport(Glibc)
import Glibc  // (no calls; kept for the build on Linux)
#endif
import EventLog
import FuzzSupport
import Platform
import Synchronization

/// The files of the log under test as they are on disk, so that an input rewrites only what
/// differs from the previous one (nil: absent).
private struct State {
    let template = TemplateLog.load()
    let directory = Scratch.directory + "/log"
    var onDisk: [[UInt8]?] = []
}

private let state = Mutex<State?>(nil)

/// libFuzzer's entry point for the log reader: the template log edited by the input (see
/// `MutationScript`), checksums repaired, then opened read-only, every stream read forward and
/// backward, every event read in global order, a few single events looked up, and the whole
/// log verified; with flag bit 4, opened as its writer too (recovery), one event appended.
///
/// Any thrown error is fine; a crash, trap or hang is not. One property is checked: when
/// `verify` finds no problem at all, the readers read every event, positions 1…head in order,
/// and every stream's versions 1…count.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSegment(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    state.withLock { current in
        if current == nil { current = State() }
        guard var s = current else { return }
        exercise(UnsafeRawBufferPointer(start: data, count: size), &s)
        current = s
    }
    return 0
}

private func exercise(_ input: UnsafeRawBufferPointer, _ s: inout State) {
    var files: [[UInt8]?] = s.template.files.map { $0.bytes }
    let script = MutationScript(input, files: &files)
    for (i, name) in s.template.files.map({ $0.name }).enumerated() {
        guard var bytes = files[i] else { continue }
        if name.hasPrefix(LogFormat.segmentsDirectory + "/") {
            ChecksumRepair.repairSegment(&bytes, header: script.repairHeaders, batches: script.repairBatches, suffixes: script.repairSuffixes)
        } else if name.hasPrefix(LogFormat.indexDirectory + "/"), script.repairIndexes {
            ChecksumRepair.repairIndex(&bytes)
        }
        files[i] = bytes
    }
    place(files, &s)
    readEverything(s.directory)
    if script.openWriter {
        recover(s.directory)
        // The writer changes files and may add some: start from nothing next time.
        try? FileSystem.removeTree(s.directory)
        s.onDisk = []
    }
}

/// Writes the files that differ from what is on disk, removes those the input removed.
private func place(_ files: [[UInt8]?], _ s: inout State) {
    do {
        if s.onDisk.isEmpty {
            for sub in ["", "/" + LogFormat.segmentsDirectory, "/" + LogFormat.indexDirectory] {
                try FileSystem.makeDirectory(s.directory + sub)
            }
            s.onDisk = Array(repeating: nil, count: files.count)
        }
        for (i, name) in s.template.files.map({ $0.name }).enumerated() where files[i] != s.onDisk[i] {
            let path = s.directory + "/" + name
            if let bytes = files[i] {
                let file = try SystemFile.open(path, flags: [.writeOnly, .create, .truncate])
                try file.write(bytes, at: 0)
                file.close()
            } else {
                try FileSystem.remove(path)
            }
            s.onDisk[i] = files[i]
        }
    } catch {
        FuzzFailure.fail("cannot place the log's files in \(s.directory): \(error)")
    }
}

private func readEverything(_ directory: String) {
    guard let log = try? EventLog.openReadOnly(at: directory) else {
        _ = try? LogVerifier.verify(at: directory)
        return
    }
    defer { log.close() }
    let head = log.head
    var positions: [UInt64] = []
    let readAllFinished = (try? log.readAll { view in
        touch(view)
        positions.append(view.position)
        return true
    }) != nil
    var streamsRead = true
    let streams = log.streams()
    for info in streams {
        var versions: [UInt64] = []
        do {
            try log.readStream(info.name) { view in
                touch(view)
                versions.append(view.version)
                return true
            }
        } catch {
            streamsRead = false
        }
        if streamsRead {
            streamsRead = isOneToN(versions, info.count)
        }
        _ = try? log.readStream(info.name, from: info.count, direction: .backward, limit: 3) { touch($0); return true }
        _ = try? log.event(in: info.name, version: info.count / 2 + 1)
    }
    for position in [0, 1, head / 2, head, head &+ 1, UInt64.max] {
        _ = try? log.event(at: position)
    }
    _ = try? log.refresh()
    guard let report = try? LogVerifier.verify(at: directory), report.problems.isEmpty else { return }
    FuzzFailure.require(readAllFinished && isOneToN(positions, head),
        "verify found nothing wrong, but reading in global order stopped or skipped (head \(head), read \(positions.count) events)")
    FuzzFailure.require(streamsRead, "verify found nothing wrong, but a stream read failed or skipped a version")
}

/// Whether `numbers` is exactly 1, 2, … n.
private func isOneToN(_ numbers: [UInt64], _ n: UInt64) -> Bool {
    UInt64(numbers.count) == n && numbers.enumerated().allSatisfy { $0.element == UInt64($0.offset) + 1 }
}

/// Reads every field of an event, as the dashboard and export do.
private func touch(_ view: EventView) {
    _ = view.id.description
    _ = view.type
    _ = view.recordedMicros &+ view.originalMicros
    _ = view.schemaVersion
    _ = view.contentType
    _ = view.metadata.count &+ view.data.count
    _ = view.materialize()
}

/// Opens the log as its writer (which repairs what it can), appends one event, closes.
private func recover(_ directory: String) {
    guard let log = try? EventLog.openWriter(at: directory, options: .init(durability: .noSync, command: "fuzz")) else { return }
    defer { log.close() }
    _ = try? log.append(to: "account-1", [NewEvent(id: EventID(high: 1, low: 1), type: "Fuzzed", data: Array("{}".utf8))])
    _ = try? log.readAll { touch($0); return true }
}
