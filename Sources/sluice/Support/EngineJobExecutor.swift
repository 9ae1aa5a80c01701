import AWS
import Engine
import Foundation
import Logging
import Runner
import S3
import SQL

/// Runs tasks' jobs with the engine (the one place where the worker meets `Engine`; `Runner` knows jobs only
/// through ``JobExecuting``): jobs from a job-file directory, relative paths against a base directory,
/// default outputs under `<outputRoot>/<job name>`.
struct EngineJobExecutor: JobExecuting {
    /// The jobs known.
    let catalog: JobCatalog
    /// The directory relative input and output paths are resolved against.
    let baseDirectory: String
    /// Where default outputs go, relative to ``baseDirectory``.
    let outputRoot: String
    /// The object stores for `s3://` inputs and outputs.
    let store: ObjectStore?

    /// Reads the job files of `jobsDirectory`.
    init(
        jobsDirectory: String,
        baseDirectory: String,
        outputRoot: String = "output",
        store: ObjectStore? = nil
    ) throws {
        self.catalog = try JobCatalog(directory: jobsDirectory)
        self.baseDirectory = baseDirectory
        self.outputRoot = outputRoot
        self.store = store
    }

    /// The canonical name of the job `name` names; throws the catalog's "unknown job" error.
    func resolve(_ name: String) throws -> String {
        try catalog.job(named: name).name
    }

    /// Runs the job. Glue-style `--NAME` arguments set the job's input `NAME`; other Glue arguments (such as
    /// `--TempDir`) are ignored, as the job does not use them. Sluice-style inputs must be the job's inputs. The
    /// invocation's parameters fill the job file's `${name}` paths, before the environment does.
    func run(_ invocation: JobInvocation, logger: Logger) async throws -> JobOutcome {
        try await run(invocation, logger: logger, gate: nil)
    }

    /// Runs the job; `commitGate` is asked (from the job's own thread) just before the output is committed.
    func run(
        _ invocation: JobInvocation,
        logger: Logger,
        commitGate: @escaping @Sendable () async throws -> Void
    ) async throws -> JobOutcome {
        try await run(invocation, logger: logger, gate: { try AWSBlocking.run { try await commitGate() } })
    }

    private func run(
        _ invocation: JobInvocation,
        logger: Logger,
        gate: (@Sendable () throws -> Void)?
    ) async throws -> JobOutcome {
        let job = try catalog.job(named: invocation.job)
        let declared = Set(job.inputs.map(\.name))
        var inputs: [String: String] = [:]
        for (name, path) in invocation.inputs {
            if declared.contains(name) {
                inputs[name] = path
            } else if invocation.style == .sluice {
                throw JobError(
                    "job \(job.name) has no input \"\(name)\"; its inputs: \(declared.sorted().joined(separator: ", "))"
                )
            }
        }
        if let item = invocation.item {
            let (name, path) = try itemInput(item, of: job, invocation: invocation)
            inputs[name] = path
        }
        let runner = JobRunner(
            catalog: catalog,
            baseDirectory: baseDirectory,
            outputRoot: outputRoot,
            store: store,
            sqlSteps: SQLJobStep(),
            logger: logger
        )
        let request = JobRequest(inputs: inputs, output: invocation.output, parameters: invocation.parameters)
        let report = try await runner.run(job, request: request, commitGate: gate)
        return JobOutcome(
            job: report.job,
            rowsRead: report.rowsRead,
            rowsWritten: report.rowsWritten,
            rowsRejected: report.rowsRejected,
            output: report.output,
            startedAt: report.startedAt,
            completedAt: report.completedAt
        )
    }

    /// The job's first input, and the `s3://` path of the Map item that stands for it: the item's key in the
    /// bucket of the input's own path.
    private func itemInput(
        _ item: JobInvocation.MapItem,
        of job: JobDefinition,
        invocation: JobInvocation
    ) throws -> (String, String) {
        guard let input = job.inputs.first else {
            throw JobError("job \(job.name) has no input for the Map item \(item.key)")
        }
        guard invocation.inputs[input.name] == nil else {
            throw JobError(
                "the task gives both a Map item (\(item.key)) and \"inputs.\(input.name)\" for job \(job.name)'s input "
                    + "\(input.name); give one"
            )
        }
        let path = try job.filledPath(of: input, for: JobRequest(parameters: invocation.parameters))
        guard case .s3(let location) = try DataLocation(path, relativeTo: baseDirectory) else {
            throw JobError(
                "the Map item \(item.key) names an S3 object, but job \(job.name)'s input \(input.name) is the local path "
                    + "\(path): give the job an s3:// input"
            )
        }
        return (input.name, S3Location(bucket: location.bucket, key: item.key).description)
    }
}
