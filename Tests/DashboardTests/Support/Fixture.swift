import Dashboard
import EventLog
import Foundation
import Replay
import TerminalUI

/// A fresh directory under the system temp dir, removed when the value is released.
final class TemporaryDirectory: Sendable {
    let path: String

    init(_ label: String = "rewind-dash") {
        let base = NSTemporaryDirectory() + "\(label)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        path = base
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

/// A small bank log: three accounts with fixed times, and a rewind.toml with an account aggregate.
struct BankFixture {
    let dir = TemporaryDirectory()
    var logPath: String { dir.file("log") }

    static let config = """
        [aggregates.account]
        streams = "account-*"
        init = '{"balance": 0, "owner": null, "status": "new"}'
        [aggregates.account.on]
        AccountOpened = '.owner = $e.data.owner | .status = "open"'
        MoneyDeposited = '.balance += $e.data.amount'
        MoneyWithdrawn = '.balance -= $e.data.amount'
        AccountClosed = '.status = "closed"'
        """

    static let base: Int64 = 1_768_471_200_000_000 // 2026-01-15T10:00:00Z

    init(extraEvents: Int = 0) throws {
        try EventLog.create(at: logPath)
        try Self.config.write(toFile: logPath + "/rewind.toml", atomically: true, encoding: .utf8)
        let log = try EventLog.openWriter(at: logPath, options: .init(durability: .noSync))
        defer { log.close() }
        func event(_ type: String, _ json: String, minute: Int64) -> NewEvent {
            NewEvent(type: type, data: Array(json.utf8), originalMicros: Self.base + minute * 60_000_000)
        }
        _ = try log.append(to: "account-1", [
            event("AccountOpened", #"{"owner":"Ada"}"#, minute: 0),
            event("MoneyDeposited", #"{"amount":100}"#, minute: 1),
            event("MoneyWithdrawn", #"{"amount":30}"#, minute: 2),
            event("MoneyDeposited", #"{"amount":5}"#, minute: 30),
        ])
        _ = try log.append(to: "account-2", [
            event("AccountOpened", #"{"owner":"日本 Grace"}"#, minute: 3),
            event("MoneyDeposited", #"{"amount":50,"note":"\u001b]0;pwned\u0007\u001b[2J"}"#, minute: 4),
        ])
        _ = try log.append(to: "order-9", [event("OrderPlaced", #"{"total":12}"#, minute: 5)])
        if extraEvents > 0 {
            let more = (0..<extraEvents).map { i in event("MoneyDeposited", #"{"amount":1}"#, minute: 60 + Int64(i)) }
            _ = try log.append(to: "account-1", more)
        }
    }

    func app(size: Size = Size(width: 100, height: 30), writable: Bool = false) throws -> (DashboardApp, TestTerminal) {
        let log = try EventLog.openReadOnly(at: logPath)
        let config = try RewindConfig.load(forLog: logPath, configPath: nil)
        let terminal = TestTerminal(size: size)
        let app = DashboardApp(terminal: terminal, log: log, config: config, writable: writable, theme: Theme.monochrome)
        app.settle()
        return (app, terminal)
    }
}
