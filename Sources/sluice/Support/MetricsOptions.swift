import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus

/// `--metrics-file PATH` for `sluice run` and `sluice pipeline`: the job counters in the Prometheus text format,
/// written when the command ends (succeeded or failed), for the node exporter's textfile collector.
struct MetricsOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write the run's metrics in the Prometheus text format to this file when the command ends.",
            discussion: "For the node exporter's textfile collector: jobs started, succeeded and failed, job "
                + "durations, rows read, written and rejected, by job. Written atomically (a scrape never reads "
                + "half a file), also when the job fails.",
            valueName: "path"
        )
    )
    var metricsFile: String?

    /// Makes Prometheus the metrics backend when a file is asked for; the file's writer, or `nil`.
    func bootstrap() -> MetricsFile? {
        guard let metricsFile else { return nil }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return MetricsFile(path: metricsFile, registry: registry)
    }
}

/// Where the metrics of one command go.
struct MetricsFile: Sendable {
    /// The file.
    let path: String
    let registry: PrometheusCollectorRegistry

    /// Writes every metric recorded so far, replacing the file atomically; a failure is logged, not thrown (the
    /// job's own result decides the exit status).
    func write(logger: Logger) {
        do {
            try Data(registry.emitToBuffer()).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            logger.warning("cannot write the metrics file", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }
}
