import AWS
import Foundation

/// How an ``ActivityWorker`` polls and runs.
public struct WorkerConfiguration: Sendable, Hashable {
    /// The activities to poll (at least one, each ARN once).
    public var activities: [WorkerActivity]
    /// The worker name sent with each poll (shown in the execution history).
    public var workerName: String
    /// How many jobs may run at once.
    public var concurrency: Int
    /// The time between heartbeats of a running job.
    public var heartbeatInterval: Duration
    /// After a shutdown request, how long running jobs may take before their tasks are failed.
    public var grace: Duration
    /// When polls keep failing with throttling, 5xx or network errors after the client's own retries (and the
    /// activity was polled successfully before), the worker polls again after this policy's backoff
    /// (``RetryPolicy/delay(forRetry:)``, `n` the failures in a row) instead of giving up. Its `maxAttempts` is not
    /// used: a worker that polled once keeps polling through an outage.
    public var pollRetry: RetryPolicy
    /// How long a job told to stop (its task gone, or the grace period over) may take to unwind before its run
    /// ends without it.
    public var cancellationDeadline: Duration

    /// A configuration for one Glue-runner activity whose failures are reported as `errorName`.
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
        self.init(
            activities: [WorkerActivity(arn: activityArn, kind: .glue, errorName: errorName)],
            workerName: workerName,
            concurrency: concurrency,
            heartbeatInterval: heartbeatInterval,
            grace: grace,
            pollRetry: pollRetry,
            cancellationDeadline: cancellationDeadline
        )
    }

    /// A configuration for `activities` (at least one; an ARN given twice is polled once).
    public init(
        activities: [WorkerActivity],
        workerName: String = WorkerConfiguration.defaultWorkerName(),
        concurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        heartbeatInterval: Duration = .seconds(20),
        grace: Duration = .seconds(25),
        pollRetry: RetryPolicy = .default,
        cancellationDeadline: Duration = .seconds(2)
    ) {
        precondition(!activities.isEmpty, "a worker polls at least one activity")
        var seen = Set<String>()
        self.activities = activities.filter { seen.insert($0.arn).inserted }
        self.workerName = workerName
        self.concurrency = max(1, concurrency)
        self.heartbeatInterval = heartbeatInterval
        self.grace = grace
        self.pollRetry = pollRetry
        self.cancellationDeadline = cancellationDeadline
    }

    /// The first activity's ARN (the only one for a Glue-runner worker).
    public var activityArn: String { activities[0].arn }

    /// The first activity's failure name.
    public var errorName: String { activities[0].errorName }

    /// The activity whose ARN is `arn`.
    public func activity(arn: String) -> WorkerActivity? { activities.first { $0.arn == arn } }

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
