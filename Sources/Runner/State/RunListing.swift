import Foundation

/// Renders recorded runs for `sluice jobs`: an aligned text table, or one JSON object per run.
public enum RunListing {
    /// The table: a header line and one line per run; errors are cut to 80 characters.
    public static func table(_ runs: [JobRun]) -> String {
        let header = [
            "RUN ID", "STATE", "JOB", "STARTED", "SECONDS", "READ", "WRITTEN", "REJECTED", "ATTEMPTS", "ERROR",
        ]
        var rows = [header]
        for run in runs {
            let seconds = run.completedAt.map { String(format: "%.1f", $0.timeIntervalSince(run.startedAt)) } ?? "-"
            let error = (run.error ?? "").replacingOccurrences(of: "\n", with: " ")
            rows.append([
                run.runId, run.state.rawValue, run.job ?? "-", Timestamp.format(run.startedAt), seconds,
                run.rowsRead.map(String.init) ?? "-", run.rowsWritten.map(String.init) ?? "-",
                run.rowsRejected.map(String.init) ?? "-", String(run.attempts), TaskReport.cut(error, to: 80),
            ])
        }
        var widths = Array(repeating: 0, count: header.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        var text = ""
        for row in rows {
            var line = ""
            for (index, cell) in row.enumerated() {
                if index == row.count - 1 {
                    line += cell
                } else {
                    line += cell + String(repeating: " ", count: widths[index] - cell.count + 2)
                }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            text += line + "\n"
        }
        if runs.isEmpty { text += "(no runs)\n" }
        return text
    }

    /// One run as a JSON object with every column (the task token included).
    public static func json(_ run: JobRun) -> String {
        var object: [String: Any] = [
            "runId": run.runId, "taskToken": run.taskToken, "activityArn": run.activityArn,
            "workerName": run.workerName, "input": run.input, "state": run.state.rawValue,
            "startedAt": Timestamp.format(run.startedAt), "attempts": run.attempts,
        ]
        if let job = run.job { object["job"] = job }
        if let date = run.completedAt { object["completedAt"] = Timestamp.format(date) }
        if let date = run.heartbeatAt { object["heartbeatAt"] = Timestamp.format(date) }
        if let value = run.rowsRead { object["rowsRead"] = value }
        if let value = run.rowsWritten { object["rowsWritten"] = value }
        if let value = run.rowsRejected { object["rowsRejected"] = value }
        if let value = run.output { object["output"] = value }
        if let value = run.error { object["error"] = value }
        return TaskReport.json(object)
    }
}
