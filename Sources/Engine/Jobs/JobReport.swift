import Foundation

/// The outcome of a successful run.
public struct JobReport: Sendable, Hashable, Codable {
    /// The job's name.
    public var job: String
    /// Rows read from all inputs, rejected rows included.
    public var rowsRead: Int
    /// Rows written to the output.
    public var rowsWritten: Int
    /// Rows of the inputs that were rejected (only with `on_error: reject`).
    public var rowsRejected: Int
    /// The output dataset directory.
    public var output: String
    /// The rejects file, when rows were rejected.
    public var rejectsPath: String?
    /// The part files written, relative to ``output``.
    public var files: [String]
    /// When the run started.
    public var startedAt: Date
    /// When the run completed.
    public var completedAt: Date

    /// The run's wall time in seconds.
    public var seconds: Double { completedAt.timeIntervalSince(startedAt) }
}

/// Progress of a running job, for a progress display.
public struct JobProgress: Sendable, Hashable {
    /// The job's name.
    public var job: String
    /// What the job is doing: `reading`, `sorting`, `joining`, `writing`.
    public var phase: String
    /// Bytes of input consumed so far.
    public var bytesRead: Int
    /// Total bytes of input, when known.
    public var bytesTotal: Int
    /// Rows read so far.
    public var rowsRead: Int
}
