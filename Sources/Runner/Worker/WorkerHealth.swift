/// What `GET /healthz` and `GET /readyz` answer for an ``ActivityWorker``: pure, from a snapshot of the worker's
/// state and the time, so that every rule is tested without a clock.
public struct WorkerHealth: Sendable, Hashable {
    /// Whether the worker is well (HTTP 200) or not (503).
    public var isHealthy: Bool
    /// Why not, e.g. `shutting down` or `polls have failed for 95 s`.
    public var reason: String?

    /// A verdict.
    public init(isHealthy: Bool, reason: String?) {
        self.isHealthy = isHealthy
        self.reason = reason
    }

    /// The worker's state a verdict is drawn from.
    public struct Snapshot: Sendable, Hashable {
        /// A shutdown was requested.
        public var shuttingDown: Bool
        /// The worker has answered at least one poll (it is serving).
        public var polledOnce: Bool
        /// How long polls have failed without a success in between, if they are failing now.
        public var pollsFailingFor: Duration?
        /// Why the job state cannot be written, if it cannot.
        public var storeProblem: String?

        /// Creates a snapshot.
        public init(shuttingDown: Bool, polledOnce: Bool, pollsFailingFor: Duration?, storeProblem: String?) {
            self.shuttingDown = shuttingDown
            self.polledOnce = polledOnce
            self.pollsFailingFor = pollsFailingFor
            self.storeProblem = storeProblem
        }
    }

    /// Liveness: unhealthy when shutting down, when polls have failed for longer than `threshold`, or when the
    /// job state cannot be written.
    public static func liveness(_ snapshot: Snapshot, threshold: Duration) -> WorkerHealth {
        if snapshot.shuttingDown { return WorkerHealth(isHealthy: false, reason: "shutting down") }
        if let problem = snapshot.storeProblem {
            return WorkerHealth(isHealthy: false, reason: "the job state cannot be written: \(problem)")
        }
        if let failing = snapshot.pollsFailingFor, failing > threshold {
            return WorkerHealth(isHealthy: false, reason: "polls have failed for \(failing.components.seconds) s")
        }
        return WorkerHealth(isHealthy: true, reason: nil)
    }

    /// Readiness: healthy, and a poll has been answered (the activity and the credentials work).
    public static func readiness(_ snapshot: Snapshot, threshold: Duration) -> WorkerHealth {
        let live = liveness(snapshot, threshold: threshold)
        guard live.isHealthy else { return live }
        guard snapshot.polledOnce else { return WorkerHealth(isHealthy: false, reason: "no poll answered yet") }
        return live
    }
}
