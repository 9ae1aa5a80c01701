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
    private let cancelled = Atomic<Bool>(false)

    init(job: JobDefinition, request: JobRequest, runner: JobRunner, progress: (@Sendable (JobProgress) -> Void)?) {
        self.job = job
        self.request = request
        self.runner = runner
        self.progress = progress
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
        let output = runner.resolve(request.output ?? job.output.path ?? "\(runner.outputRoot)/\(job.name)")
        let commit = try DatasetCommit(target: output)
        let context = ExecutionContext(execution: self, commit: commit)

        var inputs: [String: InputStream] = [:]
        for input in job.inputs {
            let path = runner.resolve(request.inputs[input.name] ?? input.defaultPath)
            inputs[input.name] = try InputStream.open(input, path: path, context: context)
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
            directory: commit.directory,
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
        let rejectsPath = try context.rejects.finish()
        try commit.commit()

        let rowsRead = inputs.values.reduce(0) { $0 + $1.rowsRead }
        let report = JobReport(
            job: job.name,
            rowsRead: rowsRead,
            rowsWritten: sink.rowsWritten,
            rowsRejected: rejected,
            output: output,
            rejectsPath: rejectsPath.map { (output as NSString).appendingPathComponent($0) },
            files: files,
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
        }
    }
}
