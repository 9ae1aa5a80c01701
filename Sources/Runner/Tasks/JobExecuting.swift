import Foundation
import Logging

/// What a finished job (or Athena-runner query) reports.
public struct JobOutcome: Sendable, Hashable {
    /// The job's canonical name, e.g. `psd`.
    public var job: String
    /// Rows read from the inputs.
    public var rowsRead: Int
    /// Rows written to the output.
    public var rowsWritten: Int
    /// Rows rejected (with `on_error: reject`).
    public var rowsRejected: Int
    /// The output dataset directory.
    public var output: String
    /// When the job started.
    public var startedAt: Date
    /// When it completed.
    public var completedAt: Date
    /// The query's own report, for an Athena-runner query.
    public var query: QueryOutcome?

    /// Creates an outcome.
    public init(
        job: String,
        rowsRead: Int,
        rowsWritten: Int,
        rowsRejected: Int,
        output: String,
        startedAt: Date,
        completedAt: Date
    ) {
        self.job = job
        self.rowsRead = rowsRead
        self.rowsWritten = rowsWritten
        self.rowsRejected = rowsRejected
        self.output = output
        self.startedAt = startedAt
        self.completedAt = completedAt
    }

    /// The outcome of an Athena-runner query, recorded as job `query`: its result rows as rows written, its result
    /// object as the output.
    public init(query: QueryOutcome) {
        self.init(
            job: "query",
            rowsRead: 0,
            rowsWritten: query.rows,
            rowsRejected: 0,
            output: query.resultLocation,
            startedAt: query.submittedAt,
            completedAt: query.completedAt
        )
        self.query = query
    }
}

/// Runs the job an activity task names. Cancelling the calling task cancels the job, which then throws and
/// commits no output.
public protocol JobExecuting: Sendable {
    /// The canonical name of the job `name` refers to (a name, an alias or a job-file path); throws when there is
    /// no such job.
    func resolve(_ name: String) throws -> String

    /// Runs `invocation`'s job to completion.
    func run(_ invocation: JobInvocation, logger: Logger) async throws -> JobOutcome

    /// Runs `invocation`'s job to completion, calling `commitGate` once its output is written and before it is
    /// committed: when the gate throws, the job commits nothing and fails with the gate's error. The worker's gate
    /// throws when its task is no longer open, so that a run whose task went to another worker (after a missed
    /// heartbeat) never commits over that worker's output.
    func run(
        _ invocation: JobInvocation,
        logger: Logger,
        commitGate: @escaping @Sendable () async throws -> Void
    ) async throws -> JobOutcome
}

extension JobExecuting {
    /// Runs the job without a gate: executors that cannot hold a commit back ignore it.
    public func run(
        _ invocation: JobInvocation,
        logger: Logger,
        commitGate: @escaping @Sendable () async throws -> Void
    ) async throws -> JobOutcome {
        try await run(invocation, logger: logger)
    }
}
