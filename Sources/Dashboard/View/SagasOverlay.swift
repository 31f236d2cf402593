import EventLog
import Replay
import TerminalUI

/// The sagas overlay (`S`): per saga its counts per status, then one row per instance (id,
/// status, steps done, last event time, reason), the selected row highlighted.
enum SagasOverlay {
    static func render(_ state: DashboardState, row: Int, filter: SagaStatus?, theme: Theme, into buffer: inout ScreenBuffer) {
        let area = Overlay.centered(in: buffer.bounds, width: buffer.width, height: buffer.height)
        guard let reports = state.sagas else {
            let inner = DetailOverlay.frame("Sagas", right: "loading…", theme: theme, area: area, into: &buffer)
            buffer.write("folding the log into saga instances…", x: inner.x + 1, y: inner.y, style: theme[.dim], maxWidth: inner.width)
            return
        }
        let title = "Sagas" + (filter.map { " · " + $0.rawValue } ?? " · all")
        let inner = DetailOverlay.frame(title, right: "↑↓ · f status · Enter trace · r reload · Esc", theme: theme, area: area, into: &buffer)
        guard inner.width > 4, inner.height > 3 else { return }
        var y = inner.y
        for report in reports {
            guard y < inner.maxY else { break }
            let outOfOrder = report.instances.filter { $0.misordered != nil }.count
            let counts = report.counts.map { "\($0.status.rawValue) \($0.count)" + ($0.status == .compensated && outOfOrder > 0 ? " (\(outOfOrder) out of order)" : "") }
            buffer.write(report.definition.name + ": " + counts.joined(separator: " · "), x: inner.x + 1, y: y,
                         style: theme[report.count(.stuck) + report.count(.failed) + outOfOrder > 0 ? .warning : .header], maxWidth: inner.width - 1)
            y += 1
        }
        let rows = SagaRows.rows(reports, filter: filter)
        guard y < inner.maxY else { return }
        guard !rows.isEmpty else {
            buffer.write(filter.map { "no instance is \($0.rawValue) (f changes the filter)" } ?? "no instance: no event of the sagas' types in the log",
                         x: inner.x + 1, y: y, style: theme[.dim], maxWidth: inner.width - 1)
            return
        }
        let multiple = reports.count > 1
        // Sized by the first rows' ids, so scrolling never shifts the columns.
        let longest = rows.prefix(1_000).map { reports[$0.report].instances[$0.instance].id.count }.max() ?? 8
        let idWidth = min(32, max(10, longest + 2), max(10, inner.width / 3))
        let sagaWidth = multiple ? min(16, max(6, reports.map(\.definition.name.count).max() ?? 6) + 2) : 0
        let statusX = inner.x + 1 + sagaWidth + idWidth
        let header = (multiple ? pad("SAGA", sagaWidth) : "") + pad("INSTANCE", idWidth) + pad("STATUS", 13) + pad("STEPS", 7) + pad("LAST EVENT", 22) + "REASON"
        buffer.write(header, x: inner.x + 1, y: y, style: theme[.header], maxWidth: inner.width - 1)
        y += 1
        let height = inner.maxY - y
        guard height > 0 else { return }
        let top = min(max(0, row - height / 2), max(0, rows.count - height))
        for (i, r) in rows.enumerated().dropFirst(top).prefix(height) {
            let report = reports[r.report]
            let instance = report.instances[r.instance]
            let selected = i == row
            let line = y + (i - top)
            if selected { buffer.fill(Rect(x: inner.x, y: line, width: inner.width, height: 1), style: theme[.selection]) }
            let role: Role = selected ? .selection : role(of: instance)
            if multiple { buffer.write(report.definition.name, x: inner.x + 1, y: line, style: theme[selected ? .selection : .dim], maxWidth: sagaWidth - 1) }
            buffer.write(instance.id, x: inner.x + 1 + sagaWidth, y: line, style: theme[selected ? .selection : .body], maxWidth: idWidth - 1)
            let last = instance.lastMicros == .min ? "-" : RFC3339.format(microsecondsSinceEpoch: instance.lastMicros, fractionDigits: 0)
            let rest = pad(instance.status.rawValue, 13) + pad("\(instance.stepsDone)/\(report.definition.steps.count)", 7) + pad(last, 22) + instance.reason
            buffer.write(rest, x: statusX, y: line, style: theme[role], maxWidth: max(0, inner.maxX - statusX - 1))
        }
    }

    static func role(of instance: SagaInstance) -> Role {
        switch instance.status {
        case .completed: return .body
        case .compensated: return instance.misordered == nil ? .dim : .warning
        case .failed, .stuck: return .warning
        case .running: return .info
        }
    }

    static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? String(s.prefix(n - 1)) + " " : s + String(repeating: " ", count: n - s.count)
    }
}
