import Foundation

extension TaskReport {
    /// The Athena-runner success output: the seed runner's `AthenaQueryString`, `AthenaQueryExecutionId`,
    /// `AthenaQueryExecutionState` (`SUCCEEDED`), `AthenaQueryExecutionStateChangeReason`,
    /// `AthenaQuerySubmissionDateTime` and `AthenaQueryCompletionDateTime` (in the runner's `%x, %-I:%M %p %Z`
    /// form), `AthenaQueryEngineExecutionTimeInMillis` and `AthenaQueryDataScannedInBytes`; plus
    /// `AthenaQueryResultLocation`, `AthenaQueryResultRowCount`, `AthenaDatabase`, the run id and ISO 8601
    /// `submittedOn` / `completedOn`.
    public static func athenaSuccessOutput(runId: String, outcome: QueryOutcome) -> String {
        json([
            "AthenaQueryString": outcome.queryString,
            "AthenaQueryExecutionId": outcome.queryExecutionId,
            "AthenaQueryExecutionState": "SUCCEEDED",
            "AthenaQueryExecutionStateChangeReason": "",
            "AthenaQuerySubmissionDateTime": athenaDateTime(outcome.submittedAt),
            "AthenaQueryCompletionDateTime": athenaDateTime(outcome.completedAt),
            "AthenaQueryEngineExecutionTimeInMillis": outcome.engineMilliseconds,
            "AthenaQueryDataScannedInBytes": outcome.bytesScanned,
            "AthenaQueryResultLocation": outcome.resultLocation,
            "AthenaQueryResultRowCount": outcome.rows,
            "AthenaDatabase": outcome.database,
            "AthenaResultEncryptionOption": outcome.encryptionOption.map { $0 as Any } ?? NSNull(),
            "runId": runId,
            "submittedOn": Timestamp.format(outcome.submittedAt),
            "completedOn": Timestamp.format(outcome.completedAt),
        ])
    }

    /// The Athena-runner failure cause: the seed runner's keys with `AthenaQueryExecutionState` `FAILED` and the
    /// message as `AthenaQueryExecutionStateChangeReason`, plus `message` and the run id; the message is shortened
    /// (marked with `…`) so that the JSON stays within 32,768 characters.
    public static func athenaFailureCause(
        runId: String,
        queryExecutionId: String,
        queryString: String?,
        submittedAt: Date,
        failedAt: Date,
        message: String
    ) -> String {
        func render(_ message: String, query: String?) -> String {
            json([
                "AthenaQueryString": query.map { $0 as Any } ?? NSNull(),
                "AthenaQueryExecutionId": queryExecutionId,
                "AthenaQueryExecutionState": "FAILED",
                "AthenaQueryExecutionStateChangeReason": message,
                "AthenaQuerySubmissionDateTime": athenaDateTime(submittedAt),
                "AthenaQueryCompletionDateTime": athenaDateTime(failedAt),
                "AthenaQueryEngineExecutionTimeInMillis": QueryOutcome.milliseconds(from: submittedAt, to: failedAt),
                "AthenaQueryDataScannedInBytes": 0,
                "message": message,
                "runId": runId,
            ])
        }
        let query = queryString.map { cut($0, to: 4096) }
        return fittingCause(message) { render($0, query: query) }
    }

    /// `date` as the seed's Athena runner prints it (`strftime('%x, %-I:%M %p %Z')` in UTC):
    /// `12/07/26, 7:05 AM UTC`.
    static func athenaDateTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let hour = parts.hour ?? 0
        let twelve = hour % 12 == 0 ? 12 : hour % 12
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let date = "\(two(parts.month ?? 0))/\(two(parts.day ?? 0))/\(two((parts.year ?? 0) % 100))"
        return "\(date), \(twelve):\(two(parts.minute ?? 0)) \(hour < 12 ? "AM" : "PM") UTC"
    }
}
