import Foundation

/// The JSON a worker reports to Step Functions: the success output, and the failure's error and cause.
public enum TaskReport {
    /// The API's limit on `SendTaskFailure`'s `error`, in characters.
    public static let maxErrorLength = 256
    /// The API's limit on `SendTaskFailure`'s `cause`, in characters.
    public static let maxCauseLength = 32_768

    /// The success output: the job and run id, `"state": "SUCCEEDED"`, ISO 8601 start and completion, the row
    /// counts, the output location, and the Glue runner's `GlueJobName` / `GlueJobRunId` / `GlueJobRunState` /
    /// `GlueJobStartedOn` / `GlueJobCompletedOn` / `GlueJobLastModifiedOn` for compatibility.
    ///
    /// `requestedJob` is the job as the task named it (e.g. `ProcessSalesData`); it is the `GlueJobName`.
    public static func successOutput(requestedJob: String, runId: String, outcome: JobOutcome) -> String {
        let started = Timestamp.format(outcome.startedAt)
        let completed = Timestamp.format(outcome.completedAt)
        let object: [String: Any] = [
            "job": outcome.job,
            "runId": runId,
            "state": "SUCCEEDED",
            "startedOn": started,
            "completedOn": completed,
            "rowsRead": outcome.rowsRead,
            "rowsWritten": outcome.rowsWritten,
            "rowsRejected": outcome.rowsRejected,
            "output": outcome.output,
            "GlueJobName": requestedJob,
            "GlueJobRunId": runId,
            "GlueJobRunState": "SUCCEEDED",
            "GlueJobStartedOn": started,
            "GlueJobCompletedOn": completed,
            "GlueJobLastModifiedOn": completed,
        ]
        return json(object)
    }

    /// The failure's error name, cut to 256 characters.
    public static func error(_ name: String) -> String { cut(name, to: maxErrorLength) }

    /// The failure's cause: `{"job", "runId", "message"}` plus the Glue runner's `glue_job_name` (the job as the
    /// task named it, `requestedJob`, when given), `glue_job_run_id`, `glue_job_run_state` and
    /// `glue_job_run_error_msg`. The message is shortened (marked with `…`) so that the JSON stays within 32,768
    /// characters and stays valid.
    public static func failureCause(
        job: String?,
        requestedJob: String? = nil,
        runId: String,
        message: String
    )
        -> String
    {
        func render(_ message: String) -> String {
            json([
                "job": job ?? NSNull(),
                "runId": runId,
                "message": message,
                "glue_job_name": (requestedJob ?? job).map { $0 as Any } ?? NSNull(),
                "glue_job_run_id": runId,
                "glue_job_run_state": "FAILED",
                "glue_job_run_error_msg": message,
            ])
        }
        return fittingCause(message, render)
    }

    /// `render(message)`, or, when that is longer than ``maxCauseLength``, `render` of the longest prefix of
    /// `message` (cut with `…`) whose rendering fits: the message may appear more than once and escaping lengthens
    /// it, so the prefix is found by bisection on the rendered length.
    static func fittingCause(_ message: String, _ render: (String) -> String) -> String {
        let full = render(message)
        guard full.unicodeScalars.count > maxCauseLength else { return full }
        var low = 0
        var high = message.unicodeScalars.count
        while low < high {
            let middle = (low + high + 1) / 2
            if render(cut(message, to: middle)).unicodeScalars.count <= maxCauseLength {
                low = middle
            } else {
                high = middle - 1
            }
        }
        return render(cut(message, to: low))
    }

    /// `text` cut to `limit` Unicode scalars, ending in `…` when cut.
    static func cut(_ text: String, to limit: Int) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > limit else { return text }
        guard limit > 0 else { return "" }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars.prefix(limit - 1))
        result.append("…")
        return String(result)
    }

    static func json(_ object: [String: Any]) -> String {
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
