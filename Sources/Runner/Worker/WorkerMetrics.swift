import Metrics

/// What an ``ActivityWorker`` records through swift-metrics (a no-op until the program bootstraps a backend), all
/// with the dimension `activity`:
///
/// | Metric | Type | More dimensions |
/// |---|---|---|
/// | `sluice_worker_polls_total`, `sluice_worker_empty_polls_total` | counter | |
/// | `sluice_worker_poll_failures_total` | counter | `transient` (`true`/`false`) |
/// | `sluice_worker_poll_duration_seconds` | timer | |
/// | `sluice_worker_heartbeats_total` | counter | |
/// | `sluice_worker_heartbeat_failures_total` | counter | `error` (`task_gone` or `other`) |
/// | `sluice_worker_tasks_in_flight` | meter (a gauge) | |
/// | `sluice_worker_runs_total` | counter | `job`, `state` (`succeeded`/`failed`) |
struct WorkerMetrics: Sendable {
    let activity: String
    private let inFlight: Meter

    init(activity: String) {
        self.activity = activity
        inFlight = Meter(label: "sluice_worker_tasks_in_flight", dimensions: [("activity", activity)])
    }

    func polled(task: Bool, after duration: Duration) {
        Counter(label: "sluice_worker_polls_total", dimensions: [("activity", activity)]).increment()
        if !task { Counter(label: "sluice_worker_empty_polls_total", dimensions: [("activity", activity)]).increment() }
        Metrics.Timer(label: "sluice_worker_poll_duration_seconds", dimensions: [("activity", activity)])
            .record(duration: duration)
    }

    func pollFailed(transient: Bool) {
        Counter(
            label: "sluice_worker_poll_failures_total",
            dimensions: [("activity", activity), ("transient", "\(transient)")]
        ).increment()
    }

    func heartbeat(_ answer: RunStateMachine.HeartbeatAnswer) {
        switch answer {
        case .accepted:
            Counter(label: "sluice_worker_heartbeats_total", dimensions: [("activity", activity)]).increment()
        case .taskGone, .failed:
            let error = if case .taskGone = answer { "task_gone" } else { "other" }
            Counter(
                label: "sluice_worker_heartbeat_failures_total",
                dimensions: [("activity", activity), ("error", error)]
            ).increment()
        }
    }

    func runStarted() { inFlight.increment() }

    func runEnded(job: String?, state: JobRun.State) {
        inFlight.decrement()
        Counter(
            label: "sluice_worker_runs_total",
            dimensions: [("activity", activity), ("job", job ?? "unknown"), ("state", state.rawValue.lowercased())]
        ).increment()
    }
}
