import Foundation

/// A flow of jobs in stages: the jobs of a stage run concurrently, and a stage starts when the one before it has
/// succeeded. An input of a later job named like an earlier job reads that job's output.
public struct Pipeline: Sendable {
    /// The stages, each a list of job names.
    public var stages: [[String]]

    /// The seed's flow: PSD and PMD concurrently, then JMSD.
    public static let seed = Pipeline(stages: [["psd", "pmd"], ["jmsd"]])

    /// Creates a pipeline.
    public init(stages: [[String]]) {
        self.stages = stages
    }

    /// Runs every stage with `runner`, writing each job's output to `<outputRoot>/<job name>`.
    ///
    /// - Parameters:
    ///   - request: Applied to every job (codec, format, memory limit, path parameters); its inputs override
    ///     defaults by name.
    ///   - onReport: Called as each job finishes, in completion order.
    /// - Returns: The reports, in completion order.
    /// - Throws: ``JobParameterError`` before any job starts when a path parameter has no value; else the first
    ///   job error, and jobs of later stages are then not started.
    public func run(
        with runner: JobRunner,
        outputRoot: String,
        request: JobRequest = JobRequest(),
        progress: (@Sendable (JobProgress) -> Void)? = nil,
        onReport: (@Sendable (JobReport) -> Void)? = nil
    ) async throws -> [JobReport] {
        var reports: [JobReport] = []
        var outputs: [String: String] = [:]
        let allJobs = try stages.map { try $0.map { try runner.catalog.job(named: $0) } }
        let inputNames = Set(allJobs.joined().flatMap { $0.inputs.map(\.name) })
        for name in request.inputs.keys.sorted() where !inputNames.contains(name) {
            throw JobError(
                "no job of the pipeline has an input \"\(name)\" (inputs: \(inputNames.sorted().joined(separator: ", ")))"
            )
        }
        let root = outputRoot.hasSuffix("/") ? String(outputRoot.dropLast()) : outputRoot
        func jobRequest(_ job: JobDefinition, upstream: [String: String]) -> JobRequest {
            var jobRequest = request
            jobRequest.output = "\(root)/\(job.name)"
            jobRequest.inputs = request.inputs.filter { name, _ in job.inputs.contains { $0.name == name } }
            for input in job.inputs where jobRequest.inputs[input.name] == nil {
                if let output = upstream[input.name] { jobRequest.inputs[input.name] = output }
            }
            return jobRequest
        }
        // Every job's path parameters are filled before the first job starts: an unfilled one fails here.
        var earlier: [String: String] = [:]
        for jobs in allJobs {
            for job in jobs { _ = try job.fillingParameters(for: jobRequest(job, upstream: earlier)) }
            for job in jobs { earlier[job.name] = "\(root)/\(job.name)" }
        }
        for jobs in allJobs {
            let stageReports = try await withThrowingTaskGroup(of: JobReport.self) { group in
                for job in jobs {
                    let jobRequest = jobRequest(job, upstream: outputs)
                    group.addTask { try await runner.run(job, request: jobRequest, progress: progress) }
                }
                var finished: [JobReport] = []
                do {
                    for try await report in group {
                        onReport?(report)
                        finished.append(report)
                    }
                } catch {
                    group.cancelAll()
                    throw error
                }
                return finished
            }
            for report in stageReports { outputs[report.job] = report.output }
            reports += stageReports
        }
        return reports
    }
}
