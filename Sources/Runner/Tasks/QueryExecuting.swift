import Foundation
import Logging

/// What a finished Athena-runner query reports.
public struct QueryOutcome: Sendable, Hashable {
    /// The query's execution id (also the result object's name).
    public var queryExecutionId: String
    /// The SQL text that ran (a named query's own text).
    public var queryString: String
    /// The database it ran in.
    public var database: String
    /// The result object: `<AthenaResultOutputLocation>/<queryExecutionId>.csv`.
    public var resultLocation: String
    /// The rows of the result.
    public var rows: Int
    /// The bytes of table data read.
    public var bytesScanned: Int
    /// The encryption option the task asked for, recorded.
    public var encryptionOption: String?
    /// When the query was taken up.
    public var submittedAt: Date
    /// When its result was committed.
    public var completedAt: Date

    /// Creates an outcome.
    public init(
        queryExecutionId: String,
        queryString: String,
        database: String,
        resultLocation: String,
        rows: Int,
        bytesScanned: Int,
        encryptionOption: String? = nil,
        submittedAt: Date,
        completedAt: Date
    ) {
        self.queryExecutionId = queryExecutionId
        self.queryString = queryString
        self.database = database
        self.resultLocation = resultLocation
        self.rows = rows
        self.bytesScanned = bytesScanned
        self.encryptionOption = encryptionOption
        self.submittedAt = submittedAt
        self.completedAt = completedAt
    }

    /// The engine time in milliseconds (completion minus submission).
    public var engineMilliseconds: Int { Self.milliseconds(from: submittedAt, to: completedAt) }

    /// The whole milliseconds from `start` to `end`, rounded; 0 when `end` is earlier.
    static func milliseconds(from start: Date, to end: Date) -> Int {
        max(0, Int((end.timeIntervalSince(start) * 1000).rounded()))
    }
}

/// A query that failed: the text that was to run, and why it failed. The Athena-runner activity reports it as
/// `AthenaQueryFailedError` with the seed runner's keys in its cause.
public struct QueryFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The SQL text (a named query's own text, when it was resolved).
    public var queryString: String?
    /// What went wrong, e.g. `unknown table "marketing_q" (did you mean "marketing_qs"?)`.
    public var message: String

    /// Creates a failure.
    public init(queryString: String?, message: String) {
        self.queryString = queryString
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

/// Runs the SQL an Athena-runner task asks for and writes its result CSV. Cancelling the calling task cancels the
/// query, which then throws and leaves no result object.
public protocol QueryExecuting: Sendable {
    /// Runs `request` as query `queryExecutionId`, writing `<outputLocation>/<queryExecutionId>.csv` in Athena's
    /// format (a header, every value quoted, `"` doubled, nothing for null).
    ///
    /// - Throws: ``QueryFailure`` (or any error) when the query cannot be resolved, parsed, bound or run, or its
    ///   result cannot be written.
    func run(_ request: AthenaQueryRequest, queryExecutionId: String, logger: Logger) async throws -> QueryOutcome
}
