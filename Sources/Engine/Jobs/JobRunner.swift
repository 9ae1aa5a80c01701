import CSV
import Columnar
import Foundation
import Logging

/// Runs jobs: opens their inputs, applies their steps, and commits their output atomically.
///
/// A run is CPU-bound work on the calling thread pool; `run` checks for task cancellation between batches, and a
/// cancelled or failed run commits nothing, leaving the previous output in place.
public struct JobRunner: Sendable {
    /// The jobs this runner knows, used by ``run(named:request:progress:)``.
    public var catalog: JobCatalog
    /// The directory relative input and output paths are resolved against.
    public var baseDirectory: String
    /// The directory default outputs go into (`<outputRoot>/<job name>`), relative to ``baseDirectory``.
    public var outputRoot: String
    /// The logger.
    public var logger: Logger
    /// The object stores for `s3://` inputs and outputs; `nil` refuses them.
    public var store: ObjectStore?
    /// Runs the jobs' `sql` steps; `nil` fails a job that has one.
    public var sqlSteps: (any SQLStepRunning)?

    /// Creates a runner.
    public init(
        catalog: JobCatalog,
        baseDirectory: String? = nil,
        outputRoot: String = "output",
        store: ObjectStore? = nil,
        sqlSteps: (any SQLStepRunning)? = nil,
        logger: Logger
    ) {
        self.catalog = catalog
        self.baseDirectory = baseDirectory ?? FileManager.default.currentDirectoryPath
        self.outputRoot = outputRoot
        self.store = store
        self.sqlSteps = sqlSteps
        self.logger = logger
    }

    /// Runs the job called `name` (a name, alias or job-file path).
    public func run(
        named name: String,
        request: JobRequest = JobRequest(),
        progress: (@Sendable (JobProgress) -> Void)? = nil,
        commitGate: (@Sendable () throws -> Void)? = nil
    ) async throws -> JobReport {
        try await run(catalog.job(named: name), request: request, progress: progress, commitGate: commitGate)
    }

    /// Runs `job` with `request`.
    ///
    /// `commitGate` is called once every output file is in place, just before the manifest commits them: if it
    /// throws, nothing is committed and the run fails with its error. An activity worker asks there whether its
    /// task is still its own, so that a run whose task went to another worker never commits over that worker's.
    ///
    /// - Throws: ``JobError`` (or the underlying CSV, Parquet or operator error) when the run fails, and
    ///   `CancellationError` when the task is cancelled. Either way no output is committed.
    public func run(
        _ job: JobDefinition,
        request: JobRequest = JobRequest(),
        progress: (@Sendable (JobProgress) -> Void)? = nil,
        commitGate: (@Sendable () throws -> Void)? = nil
    ) async throws -> JobReport {
        let execution = JobExecution(
            job: job,
            request: request,
            runner: self,
            progress: progress,
            commitGate: commitGate
        )
        let start = ContinuousClock.now
        JobMetrics.started(job.name)
        do {
            let report = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    // The work is synchronous and CPU-bound: keep it off the cooperative pool.
                    Thread.detachNewThread {
                        continuation.resume(with: Result { try execution.execute() })
                    }
                }
            } onCancel: {
                execution.cancel()
            }
            JobMetrics.succeeded(report, job: job.name, since: start)
            return report
        } catch {
            JobMetrics.failed(job.name, since: start)
            throw error
        }
    }

    /// The location `text` names: an `s3://` URL, or a path relative to ``baseDirectory``.
    func location(_ text: String) throws -> DataLocation {
        try DataLocation(text, relativeTo: baseDirectory)
    }

    /// The default output of `job`: `<outputRoot>/<job name>`.
    func defaultOutput(of job: JobDefinition) throws -> DataLocation {
        try location(outputRoot).appending(job.name)
    }
}
