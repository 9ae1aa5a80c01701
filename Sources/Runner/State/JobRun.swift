import Foundation

/// One run of a job for one activity task, as recorded in the job-state database: a row of its `runs` table
/// (see `JobRun+Record.swift`).
public struct JobRun: Sendable, Hashable, Codable {
    /// Where a run stands.
    public enum State: String, Sendable, Hashable, CaseIterable, Codable {
        /// Recorded before the job starts; a crash leaves it so, for restart recovery to find.
        case running = "RUNNING"
        /// The job finished and its output was reported.
        case succeeded = "SUCCEEDED"
        /// The job, its input or its task failed; ``JobRun/error`` says why.
        case failed = "FAILED"
    }

    /// The run id (`jr_` and 32 hex digits, in the style of Glue's run ids).
    public var runId: String
    /// The Step Functions task token the run reports to.
    public var taskToken: String
    /// The activity the task came from.
    public var activityArn: String
    /// The worker that ran it.
    public var workerName: String
    /// The job as named by the task input (`nil` when the input named none).
    public var job: String?
    /// The task input, verbatim.
    public var input: String
    /// Where the run stands.
    public var state: State
    /// When the run was recorded (and, for a re-run, restarted).
    public var startedAt: Date
    /// When it succeeded or failed.
    public var completedAt: Date?
    /// The last successful heartbeat.
    public var heartbeatAt: Date?
    /// Rows read, written and rejected, once the job finished.
    public var rowsRead: Int?
    /// Rows written.
    public var rowsWritten: Int?
    /// Rows rejected.
    public var rowsRejected: Int?
    /// The output dataset.
    public var output: String?
    /// Why the run failed (or a note on a success whose report could not be delivered).
    public var error: String?
    /// How many times the job was started for this task (more than 1 after a restart re-ran it).
    public var attempts: Int

    /// The columns of the `runs` table.
    enum CodingKeys: String, CodingKey {
        case runId = "run_id"
        case taskToken = "task_token"
        case activityArn = "activity_arn"
        case workerName = "worker_name"
        case job
        case input
        case state
        case startedAt = "started_at"
        case completedAt = "completed_at"
        case heartbeatAt = "heartbeat_at"
        case rowsRead = "rows_read"
        case rowsWritten = "rows_written"
        case rowsRejected = "rows_rejected"
        case output
        case error
        case attempts
    }

    /// Creates a run in state ``State/running``.
    public init(
        runId: String = JobRun.newRunId(),
        taskToken: String,
        activityArn: String,
        workerName: String,
        job: String?,
        input: String,
        startedAt: Date = Date()
    ) {
        self.runId = runId
        self.taskToken = taskToken
        self.activityArn = activityArn
        self.workerName = workerName
        self.job = job
        self.input = input
        self.state = .running
        self.startedAt = startedAt
        self.attempts = 1
    }

    /// A fresh run id: `jr_` and 32 lowercase hex digits.
    public static func newRunId() -> String {
        "jr_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
}
