import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import Runner

/// `sluice worker`: the Step Functions activity worker that replaces the seed's Glue runner Lambda.
struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Poll Step Functions activities and run the jobs and SQL queries their tasks name (a drop-in for the "
            + "seed's Glue runner and Athena runner).",
        discussion: """
            Task input: the Glue runner's {"GlueJobName": "ProcessSalesData"} (also JSON-encoded a second time as \
            a string; other keys are job arguments, --NAME keys set the job's input NAME, --s3_output_path or \
            --output the output), or Sluice's {"job": "psd", "inputs": {"sales": "..."}, "output": "..."}.

            Success reports the job, run id, "state": "SUCCEEDED", ISO 8601 start and completion, rows read, \
            written and rejected, the output, and the GlueJobName / GlueJobRunId / GlueJobRunState keys. A failed \
            job, an unknown job or a malformed input reports SendTaskFailure with the error GlueJobFailedError \
            (see --error-name) and a JSON cause {job, runId, message}.

            With --athena-activity-arn (or --activity athena=ARN) the worker also serves the Athena runner's \
            activity: {"AthenaQueryString": "SELECT * FROM marketing_qs limit 10;", "AthenaDatabase": \
            "marketingandsales_qs", "AthenaResultOutputLocation": "s3://bucket/athena-runner-output/"} (or \
            "AthenaNamedQuery" naming one of the catalog's named_queries) runs on Sluice's own SQL over the \
            --catalog tables and writes <AthenaResultOutputLocation>/<QueryExecutionId>.csv in Athena's format. \
            Success reports the seed runner's keys (AthenaQueryExecutionId, AthenaQueryExecutionState, \
            AthenaQueryDataScannedInBytes, …) plus AthenaQueryResultLocation and AthenaQueryResultRowCount; a \
            failed query reports AthenaQueryFailedError with those keys and the message in the cause. All \
            activities share one --concurrency pool and one --state file; each run records its activity.

            Every run is recorded in the --state SQLite database before its job starts (list them with \
            `sluice jobs`). On start, runs left RUNNING by a crash are re-run when their task is still open, \
            else marked FAILED ("worker restarted").

            SIGTERM or SIGINT stops polling; a poll in flight is waited for (up to 60 s on AWS) and any task it \
            brings is run. Running jobs get --grace seconds, then their tasks are failed with "worker shutting \
            down".

            \(stepFunctionsEnvironmentHelp)
            """
    )

    @Option(
        name: .customLong("activity-arn"),
        help: "The Glue runner's activity to poll, e.g. arn:aws:states:…:activity:GlueRunnerActivity."
    )
    var activityArn: String?

    @Option(
        name: .customLong("athena-activity-arn"),
        help: "The Athena runner's activity to poll, e.g. arn:aws:states:…:activity:AthenaRunnerActivity."
    )
    var athenaActivityArn: String?

    @Option(
        name: .customLong("activity"),
        help: ArgumentHelp(
            "An activity to poll and the kind of its tasks, glue or athena (repeatable): athena=arn:aws:states:….",
            valueName: "kind=arn"
        )
    )
    var activitySpecs: [String] = []

    @Option(help: "The SQL catalog file of the Athena runner's queries.")
    var catalog: String = "jobs/catalog/marketingandsales_qs.json"

    @Option(
        name: .customLong("worker-name"),
        help: "The worker name sent with each poll (default: sluice-<host name>)."
    )
    var workerName: String?

    @Option(help: "How many jobs may run at once (default: the number of cores).")
    var concurrency: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Seconds between heartbeats of a running job.")
    var heartbeat: Double = 20

    @Option(help: "Seconds running jobs may take to finish after SIGTERM/SIGINT before their tasks are failed.")
    var grace: Double = 25

    @Option(help: "The job-state SQLite database.")
    var state: String = "output/sluice.sqlite"

    @Option(help: "The directory of job files.")
    var jobs: String = "jobs"

    @Option(
        name: .customLong("error-name"),
        help: "The error name of SendTaskFailure (the seed's Catch matches GlueJobFailedError)."
    )
    var errorName: String = "GlueJobFailedError"

    @Option(
        name: .customLong("http-port"),
        help: ArgumentHelp(
            "Serve GET /healthz, /readyz and /metrics on this port (0: any free port, logged at start).",
            discussion: "Off by default. /healthz answers 200 while the worker polls and can write its state, 503 "
                + "with a JSON reason when it is shutting down, polls have failed for longer than "
                + "--poll-failure-threshold or the state cannot be written; /readyz also needs one answered poll; "
                + "/metrics is the Prometheus text format.",
            valueName: "port"
        )
    )
    var httpPort: Int?

    @Option(name: .customLong("http-host"), help: "The address the HTTP endpoint binds (default 127.0.0.1).")
    var httpHost: String = "127.0.0.1"

    @Option(
        name: .customLong("poll-failure-threshold"),
        help: "Seconds of failing polls after which /healthz answers 503."
    )
    var pollFailureThreshold: Double = 120

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        if let httpPort, !(0...65535).contains(httpPort) { throw ValidationError("--http-port must be 0 to 65535") }
        _ = try activities()
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard heartbeat > 0 else { throw ValidationError("--heartbeat must be more than 0 seconds") }
        guard grace >= 0 else { throw ValidationError("--grace must not be negative") }
        guard !errorName.isEmpty, errorName.count <= 256 else {
            throw ValidationError("--error-name must have 1 to 256 characters")
        }
        if let workerName, workerName.isEmpty || workerName.count > 80 {
            throw ValidationError("--worker-name must have 1 to 80 characters")
        }
    }

    func run() async throws {
        do {
            try await execute()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw fail(error)
        }
    }

    private func execute() async throws {
        let logger = try options.makeLogger(label: "sluice.worker", defaultLevel: .info)
        // Before any metric exists (the worker creates its gauge), or it would record nowhere.
        let registry = httpPort.map { _ in PrometheusCollectorRegistry() }
        if let registry { MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry)) }
        let base = FileManager.default.currentDirectoryPath
        let objects = try makeObjectStore(logger: logger)
        let executor = try EngineJobExecutor(jobsDirectory: jobs, baseDirectory: base, store: objects)
        let store = try JobStateStore(path: state)
        let client = try makeStepFunctionsClient(logger: logger)
        let worker = ActivityWorker(
            configuration: WorkerConfiguration(
                activities: try activities(),
                workerName: workerName ?? WorkerConfiguration.defaultWorkerName(),
                concurrency: concurrency,
                heartbeatInterval: duration(seconds: heartbeat),
                grace: duration(seconds: grace)
            ),
            service: client,
            executor: executor,
            queries: SQLQueryExecutor(catalogPath: catalog, baseDirectory: base, store: objects, memoryBudget: 1 << 30),
            store: store,
            logger: logger
        )
        let server: WorkerHTTPServer?
        if let httpPort, let registry {
            server = try await WorkerHTTPServer(
                host: httpHost,
                port: httpPort,
                worker: worker,
                registry: registry,
                pollFailureThreshold: duration(seconds: pollFailureThreshold)
            )
            logger.info(
                "http endpoint listening",
                metadata: ["host": "\(httpHost)", "port": "\(server?.port ?? httpPort)"]
            )
        } else {
            server = nil
        }
        do {
            try await runUntilSignalled(worker, client: client, logger: logger)
        } catch {
            await server?.close()
            await objects.shutdown()
            throw error
        }
        await server?.close()
        await objects.shutdown()
    }
}

extension Worker {
    /// The activities the options name: --activity-arn (glue), --athena-activity-arn and each --activity KIND=ARN.
    func activities() throws -> [WorkerActivity] {
        var activities: [WorkerActivity] = []
        func add(_ arn: String, _ kind: WorkerActivity.Kind, option: String) throws {
            guard arn.hasPrefix("arn:"), arn.contains(":activity:") else {
                throw ValidationError(
                    "\(option) must be an activity ARN (arn:…:states:<region>:<account>:activity:<name>), got \"\(arn)\""
                )
            }
            if let other = activities.first(where: { $0.arn == arn }), other.kind != kind {
                throw ValidationError("activity \(arn) is given as both \(other.kind.rawValue) and \(kind.rawValue)")
            }
            activities.append(WorkerActivity(arn: arn, kind: kind, errorName: kind == .glue ? errorName : nil))
        }
        if let activityArn { try add(activityArn, .glue, option: "--activity-arn") }
        if let athenaActivityArn { try add(athenaActivityArn, .athena, option: "--athena-activity-arn") }
        for spec in activitySpecs {
            guard let equals = spec.firstIndex(of: "="),
                let kind = WorkerActivity.Kind(rawValue: String(spec[..<equals]).lowercased())
            else {
                throw ValidationError("--activity must be KIND=ARN with KIND glue or athena, got \"\(spec)\"")
            }
            try add(String(spec[spec.index(after: equals)...]), kind, option: "--activity")
        }
        guard !activities.isEmpty else {
            throw ValidationError(
                "give an activity to poll: --activity-arn ARN (Glue runner), --athena-activity-arn ARN, or --activity KIND=ARN"
            )
        }
        return activities
    }
}
