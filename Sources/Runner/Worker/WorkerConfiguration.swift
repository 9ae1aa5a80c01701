import AWS
import Foundation

/// How an ``ActivityWorker`` polls and runs.
public struct WorkerConfiguration: Sendable, Hashable {
    /// The activity to poll.
    public var activityArn: String
    /// The worker name sent with each poll (shown in the execution history).
    public var workerName: String
    /// How many jobs may run at once.
    public var concurrency: Int
    /// The time between heartbeats of a running job.
    public var heartbeatInterval: Duration
    /// After a shutdown request, how long running jobs may take before their tasks are failed.
    public var grace: Duration
    /// The `error` of `SendTaskFailure` (the seed's Catch matches `GlueJobFailedError`).
    public var errorName: String
    /// When polls keep failing with throttling, 5xx or network errors after the client's own retries (and the
    /// activity was polled successfully before), the worker polls again after this policy's backoff
    /// (``RetryPolicy/delay(forRetry:)``, `n` the failures in a row) instead of giving up. Its `maxAttempts` is not
    /// used: a worker that polled once keeps polling through an outage.
    public var pollRetry: RetryPolicy
    /// How long a job told to stop (its task gone, or the grace period over) may take to unwind before its run
    /// ends without it.
    public var cancellationDeadline: Duration

    /// Creates a configuration.
    public init(
        activityArn: String,
        workerName: String = WorkerConfiguration.defaultWorkerName(),
        concurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        heartbeatInterval: Duration = .seconds(20),
        grace: Duration = .seconds(25),
        errorName: String = "GlueJobFailedError",
        pollRetry: RetryPolicy = .default,
        cancellationDeadline: Duration = .seconds(2)
    ) {
        self.activityArn = activityArn
        self.workerName = workerName
        self.concurrency = max(1, concurrency)
        self.heartbeatInterval = heartbeatInterval
        self.grace = grace
        self.errorName = errorName
        self.pollRetry = pollRetry
        self.cancellationDeadline = cancellationDeadline
    }

    /// `sluice-<host name>`, at most 80 characters (the API's limit on worker names).
    public static func defaultWorkerName() -> String {
        let host = ProcessInfo.processInfo.hostName
        return String("sluice-\(host.isEmpty ? "localhost" : host)".prefix(80))
    }
}

/// A worker that cannot go on: its activity cannot be polled, or its job state cannot be read.
public struct WorkerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the worker was doing.
    public var context: String
    /// The underlying error's description.
    public var underlying: String

    /// E.g. `cannot poll activity arn:...: GetActivityTask failed: NetworkError: ...`.
    public var description: String { "\(context): \(underlying)" }
}
