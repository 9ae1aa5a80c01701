import CSV
import Columnar
import Foundation
import Logging
import Synchronization

/// One run of a job: builds the stream of batches its steps describe and drains it into a committed dataset.
final class JobExecution: Sendable {
    /// The job, with the parameters of the paths this run uses not yet filled in (``execute()`` fills them first).
    let job: JobDefinition
    let request: JobRequest
    let runner: JobRunner
    let progress: (@Sendable (JobProgress) -> Void)?
    let commitGate: (@Sendable () throws -> Void)?
    private let cancelled = Atomic<Bool>(false)

    init(
        job: JobDefinition,
        request: JobRequest,
        runner: JobRunner,
        progress: (@Sendable (JobProgress) -> Void)?,
        commitGate: (@Sendable () throws -> Void)? = nil
    ) {
        self.job = job
        self.request = request
        self.runner = runner
        self.progress = progress
        self.commitGate = commitGate
    }

    func cancel() {
        cancelled.store(true, ordering: .relaxed)
    }

    func checkCancelled() throws {
        if cancelled.load(ordering: .relaxed) { throw CancellationError() }
    }

    func execute() throws -> JobReport {
        let startedAt = Date()
        var logger = runner.logger
        logger[metadataKey: "job"] = "\(job.name)"
        for name in request.inputs.keys where !job.inputs.contains(where: { $0.name == name }) {
            throw JobError(
                "job \(job.name) has no input \"\(name)\" (inputs: \(job.inputs.map(\.name).joined(separator: ", ")))"
            )
        }
        // Fill the paths' `${name}` parameters before anything is opened: an unfilled one fails the run here.
        let job = try self.job.fillingParameters(for: request)
        let output =
            try request.output.map(runner.location) ?? job.output.path.map(runner.location)
            ?? runner.defaultOutput(of: job)
        let commit: any DatasetCommitting
        switch output {
        case .local(let path):
            commit = try DatasetCommit(target: path)
        case .s3(let location):
            guard let store = runner.store else { throw JobError("output \(location): S3 is not available here") }
            commit = try S3DatasetCommit(location: location, store: store, logger: logger)
        }
        let context = ExecutionContext(execution: self, commit: commit)
        do {
            return try run(
                job,
                into: commit,
                context: context,
                output: commit.target,
                startedAt: startedAt,
                logger: logger
            )
        } catch {
            context.rejects.abort()
            commit.abort()
            throw error
        }
    }

    private func run(
        _ job: JobDefinition,
        into commit: any DatasetCommitting,
        context: ExecutionContext,
        output: DataLocation,
        startedAt: Date,
        logger: Logger
    ) throws -> JobReport {
        var inputs: [String: InputStream] = [:]
        for input in job.inputs {
            let location = try runner.location(request.inputs[input.name] ?? input.defaultPath)
            inputs[input.name] = try InputStream.open(input, at: location, store: runner.store, context: context)
        }
        var stream: any BatchStream = inputs[job.inputs[0].name]!
        var order: [SortKey]?
        for (index, step) in job.steps.enumerated() {
            do {
                stream = try context.apply(step, to: stream, inputs: inputs, order: &order)
            } catch let error as OperatorError {
                throw JobError("job \(job.name): step \(index + 1) (\(step.kind)): \(error.message)")
            }
        }

        let format = request.format ?? job.output.format
        let codec = request.codec ?? job.output.codec
        let sink = try PartWriter(
            commit: commit,
            schema: stream.schema,
            format: format,
            codec: codec,
            rowsPerPart: job.output.rowsPerPart
        )
        do {
            while let batch = try stream.next() {
                try checkCancelled()
                try sink.write(batch)
            }
        } catch let error as OperatorError {
            throw JobError("job \(job.name): \(error.description)")
        }
        let files = try sink.finish()
        let rejected = context.rejects.count
        let rejectsName = try context.rejects.finish()
        // Every file is in place; the manifest is the commit. The last word goes to whoever asked for the run.
        try checkCancelled()
        try commitGate?()
        try commit.commit(DatasetManifest(runId: commit.runId, files: files, rejects: rejectsName))

        let rowsRead = inputs.values.reduce(0) { $0 + $1.rowsRead }
        let report = JobReport(
            job: job.name,
            rowsRead: rowsRead,
            rowsWritten: sink.rowsWritten,
            rowsRejected: rejected,
            output: output.description,
            rejectsPath: rejectsName.map { output.appending($0).description },
            files: files.map(\.name),
            startedAt: startedAt,
            completedAt: Date()
        )
        logger.info(
            "job finished",
            metadata: [
                "rows_read": "\(report.rowsRead)", "rows_written": "\(report.rowsWritten)",
                "rows_rejected": "\(report.rowsRejected)", "output": "\(output)",
            ]
        )
        return report
    }
}

extension JobStep {
    /// The step's keyword in job files.
    var kind: String {
        switch self {
        case .filter: "filter"
        case .project: "select"
        case .rename: "rename"
        case .aggregate: "aggregate"
        case .sort: "sort"
        case .join: "join"
        case .sql: "sql"
        }
    }
}
