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
/// | `sluice_worker_heartbeat_duration_seconds` | timer: the heartbeat call, answered or not | |
/// | `sluice_worker_heartbeat_failures_total` | counter | `error` (`task_gone` or `other`) |
/// | `sluice_worker_tasks_in_flight` | meter (a gauge) | |
/// | `sluice_worker_runs_started_total` | counter: runs whose job was resolved and started | `job` |
/// | `sluice_worker_runs_total` | counter: runs ended | `job`, `state` (`succeeded`/`failed`) |
///
/// The handles whose dimensions are fixed are made once; those with a job or an error in their dimensions are
/// looked up per event (the backend keeps one series per distinct dimension set).
struct WorkerMetrics: Sendable {
    let activity: String
    private let inFlight: Meter
    private let polls: Counter
    private let emptyPolls: Counter
    private let pollDuration: Metrics.Timer
    private let heartbeats: Counter
    private let heartbeatDuration: Metrics.Timer

    init(activity: String) {
        self.activity = activity
        let dimensions = [("activity", activity)]
        inFlight = Meter(label: "sluice_worker_tasks_in_flight", dimensions: dimensions)
        polls = Counter(label: "sluice_worker_polls_total", dimensions: dimensions)
        emptyPolls = Counter(label: "sluice_worker_empty_polls_total", dimensions: dimensions)
        pollDuration = Metrics.Timer(label: "sluice_worker_poll_duration_seconds", dimensions: dimensions)
        heartbeats = Counter(label: "sluice_worker_heartbeats_total", dimensions: dimensions)
        heartbeatDuration = Metrics.Timer(label: "sluice_worker_heartbeat_duration_seconds", dimensions: dimensions)
    }

    func polled(task: Bool, after duration: Duration) {
        polls.increment()
        if !task { emptyPolls.increment() }
        pollDuration.record(duration: duration)
    }

    func pollFailed(transient: Bool) {
        Counter(
            label: "sluice_worker_poll_failures_total",
            dimensions: [("activity", activity), ("transient", "\(transient)")]
        ).increment()
    }

    func heartbeat(_ answer: RunStateMachine.HeartbeatAnswer, after duration: Duration) {
        heartbeatDuration.record(duration: duration)
        switch answer {
        case .accepted:
            heartbeats.increment()
        case .taskGone, .failed:
            let error = if case .taskGone = answer { "task_gone" } else { "other" }
            Counter(
                label: "sluice_worker_heartbeat_failures_total",
                dimensions: [("activity", activity), ("error", error)]
            ).increment()
        }
    }

    func runStarted() { inFlight.increment() }

    func jobStarted(_ job: String) {
        Counter(label: "sluice_worker_runs_started_total", dimensions: [("activity", activity), ("job", job)])
            .increment()
    }

    func runEnded(job: String?, state: JobRun.State) {
        inFlight.decrement()
        Counter(
            label: "sluice_worker_runs_total",
            dimensions: [("activity", activity), ("job", job ?? "unknown"), ("state", state.rawValue.lowercased())]
        ).increment()
    }
}
