import ArgumentParser
import EventLog
import Foundation
import JSON

struct AppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append", abstract: "Append one event, durably, with optimistic concurrency.",
        discussion: """
            Prints {"stream":…,"version":…,"position":…} once the event is on disk (after fdatasync).
            With --expected-version, the append only happens if the stream is at that version; otherwise
            it fails with exit code 3 and says which version the stream is at.
            """)

    @Argument(help: "The log directory.") var log: String
    @Argument(help: "The stream, e.g. account-42.") var stream: String
    @Argument(help: "The event type, e.g. MoneyDeposited.") var type: String
    @Argument(help: "The event data as JSON, or - to read it from stdin (default {}).") var data: String = "{}"
    @Option(name: .long, help: "any, no-stream, or the version the stream must be at.") var expectedVersion: String = "any"
    @Option(name: .long, help: "Metadata as a JSON object (correlationId, causationId, actor…).") var metadata: String?
    @Option(name: .long, help: "The schema version of the data.") var schemaVersion: UInt32 = 1
    @Option(name: .long, help: "The event id (a UUID); random if omitted.") var id: String?
    @Flag(name: .long, help: "Store the data as raw bytes instead of JSON.") var binary = false

    func run() throws {
        try runReporting {
            guard let expected = ExpectedVersion(expectedVersion) else {
                throw CLIError("--expected-version \(expectedVersion) is not valid; use any, no-stream or a version number")
            }
            var bytes: [UInt8]
            if data == "-" {
                bytes = Array(FileHandleReader.readAllStandardInput())
                if !binary, bytes.last == 10 { bytes.removeLast() }
            } else {
                bytes = Array(data.utf8)
            }
            if !binary {
                do { bytes = try JSONValue.parse(bytes).serializedBytes() } catch {
                    throw CLIError("the event data is not valid JSON (\(error)); pass a JSON value, or use --binary for raw bytes")
                }
            }
            var metadataBytes: [UInt8] = []
            if let metadata {
                let value: JSONValue
                do { value = try JSONValue.parse(metadata) } catch {
                    throw CLIError("--metadata is not valid JSON (\(error))")
                }
                guard case .object = value else { throw CLIError("--metadata must be a JSON object, like {\"correlationId\":\"abc\"}") }
                metadataBytes = value.serializedBytes()
            }
            var eventID = EventID.random()
            if let id {
                guard let parsed = EventID(id) else { throw CLIError("--id \(id) is not a UUID") }
                eventID = parsed
            }
            let event = NewEvent(
                id: eventID, type: type, data: bytes, metadata: metadataBytes,
                contentType: binary ? .binary : .json, schemaVersion: schemaVersion)
            try StoreOpener.refuseURL(log, command: "append")
            let eventLog = try EventLog.openWriter(at: log, options: .init(command: "rewind append"))
            defer { eventLog.close() }
            for message in eventLog.recovery.messages { Console.note(message) }
            let result = try eventLog.append(to: stream, [event], expected: expected)
            let reply: JSONValue = .object([
                "stream": .string(result.stream), "version": .integer(Int64(result.lastVersion)),
                "position": .integer(Int64(result.lastPosition)),
            ])
            Output.standard.line(bytes: reply.serializedBytes())
        }
    }
}

/// Reads all of stdin.
enum FileHandleReader {
    static func readAllStandardInput() -> Data {
        Foundation.FileHandle.standardInput.readDataToEndOfFile()
    }
}
