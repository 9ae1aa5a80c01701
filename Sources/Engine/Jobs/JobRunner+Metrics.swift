import Foundation
import Metrics

/// The job counters every run records through swift-metrics (a no-op until a program bootstraps a backend, as
/// `sluice run --metrics-file` and `sluice pipeline --metrics-file` do with Prometheus):
///
/// | Metric | Type | Dimensions |
/// |---|---|---|
/// | `sluice_jobs_started_total`, `sluice_jobs_succeeded_total`, `sluice_jobs_failed_total` | counter | `job` |
/// | `sluice_job_duration_seconds` | timer (a histogram in Prometheus) | `job`, `state` |
/// | `sluice_rows_read_total`, `sluice_rows_written_total`, `sluice_rows_rejected_total` | counter | `job` |
enum JobMetrics {
    static func started(_ job: String) {
        let dimensions = [("job", job)]
        Counter(label: "sluice_jobs_started_total", dimensions: dimensions).increment()
        // Present at 0 from the start, so that an alert on failures sees a series before the first one.
        _ = Counter(label: "sluice_jobs_succeeded_total", dimensions: dimensions)
        _ = Counter(label: "sluice_jobs_failed_total", dimensions: dimensions)
    }

    static func succeeded(_ report: JobReport, job: String, since start: ContinuousClock.Instant) {
        let dimensions = [("job", job)]
        Counter(label: "sluice_jobs_succeeded_total", dimensions: dimensions).increment()
        Counter(label: "sluice_rows_read_total", dimensions: dimensions).increment(by: report.rowsRead)
        Counter(label: "sluice_rows_written_total", dimensions: dimensions).increment(by: report.rowsWritten)
        Counter(label: "sluice_rows_rejected_total", dimensions: dimensions).increment(by: report.rowsRejected)
        duration(job: job, state: "succeeded", since: start)
    }

    static func failed(_ job: String, since start: ContinuousClock.Instant) {
        Counter(label: "sluice_jobs_failed_total", dimensions: [("job", job)]).increment()
        duration(job: job, state: "failed", since: start)
    }

    private static func duration(job: String, state: String, since start: ContinuousClock.Instant) {
        Metrics.Timer(label: "sluice_job_duration_seconds", dimensions: [("job", job), ("state", state)])
            .record(duration: ContinuousClock.now - start)
    }
}
