import Foundation
import StepFunctions
import TestSupport

/// The repository's fan-out flow (`jobs/flows/MarketingAndSalesFanOutETLOrchestrator.asl.json`) set up in a
/// ``FlowHarness``: the sales sample split into objects under `sales/` in moto's S3, the marketing sample beside it,
/// the three activities, the state machine, and workers on the Glue-runner activity with the repository's S3 jobs,
/// each with a state file of its own.
struct FanOutFlow {
    static let bucket = "sluice-fan-out"
    static let definition = Paths.packageRoot.appendingPathComponent(
        "jobs/flows/MarketingAndSalesFanOutETLOrchestrator.asl.json"
    )
    static let s3Jobs = Paths.packageRoot.appendingPathComponent("jobs/s3").path

    let flow: FlowHarness
    let partitions: Int
    let glue: String
    let sales: String
    let marketing: String
    let machine: String

    /// Uploads the sample's rows, `copies` times over, in `partitions` objects, and creates the activities and the
    /// machine.
    init(
        _ flow: FlowHarness,
        partitions: Int,
        copies: Int = 1,
        maxConcurrency: Int,
        heartbeatSeconds: Int
    ) async throws {
        self.flow = flow
        self.partitions = partitions
        let landing = flow.work.appendingPathComponent("parts")
        try FileManager.default.createDirectory(at: landing, withIntermediateDirectories: true)
        let parts = try Self.salesParts(partitions, copies: copies)
        var whole = parts[0]
        for part in parts.dropFirst() { whole += part.drop { $0 != "\n" }.dropFirst() }
        try whole.write(to: URL(fileURLWithPath: flow.path("whole-sales.csv")), atomically: true, encoding: .utf8)
        for (index, text) in parts.enumerated() {
            try text.write(
                to: landing.appendingPathComponent(String(format: "part-%05d.csv", index)),
                atomically: true,
                encoding: .utf8
            )
        }
        try flow.moto.boto3(
            """
            import os
            s3.create_bucket(Bucket=sys.argv[2])
            for name in sorted(os.listdir(sys.argv[3])):
                s3.upload_file(os.path.join(sys.argv[3], name), sys.argv[2], 'sales/' + name)
            s3.upload_file(sys.argv[4], sys.argv[2], 'marketing/' + os.path.basename(sys.argv[4]))
            """,
            [Self.bucket, landing.path, Paths.sample(SeedStateMachine.marketingFile).path]
        )
        glue = try await flow.client.createActivity(name: "GlueRunnerActivity")
        sales = try await flow.client.createActivity(name: "WaitForSalesData")
        marketing = try await flow.client.createActivity(name: "WaitForMarketingData")
        var definition = try String(contentsOf: Self.definition, encoding: .utf8)
        for (key, value) in [
            "GlueRunnerActivityArn": glue, "WaitForSalesDataActivityArn": sales,
            "WaitForMarketingDataActivityArn": marketing, "SourceDataBucketName": Self.bucket,
            "SalesPartitionsPrefix": "sales/", "MaxConcurrency": "\(maxConcurrency)",
            "HeartbeatSeconds": "\(heartbeatSeconds)", "TaskTimeoutSeconds": "120",
            "ProcessMarketingDataGlueJobName": "ProcessMarketingData",
            "JoinMarketingAndSalesDataJobName": "JoinMarketingAndSalesData",
        ] {
            definition = definition.replacingOccurrences(of: "${\(key)}", with: value)
        }
        guard !definition.contains("${") else {
            throw FlowHarness.Failure(message: "a substitution is missing: \(definition)")
        }
        machine = try await flow.client.createStateMachine(
            name: "MarketingAndSalesFanOutETLOrchestrator",
            definition: definition,
            roleArn: "arn:aws:iam::123456789012:role/StateExecutionRole"
        )
    }

    /// The sales sample's data lines, `copies` times over, dealt into `count` CSV texts, each with the header line.
    static func salesParts(_ count: Int, copies: Int) throws -> [String] {
        let text = try String(contentsOf: Paths.sample(SeedStateMachine.salesFile), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let header = lines.removeFirst()
        lines = Array(repeatElement(lines, count: copies).joined())
        let size = (lines.count + count - 1) / count
        return (0..<count).map { index in
            let body = lines[min(index * size, lines.count)..<min((index + 1) * size, lines.count)]
            return ([header] + body).joined(separator: "\n") + "\n"
        }
    }

    func statePath(_ index: Int) -> String { flow.path("worker-\(index).sqlite") }

    /// Starts worker `index` (again, after a kill: the same name and state, so it recovers its runs); `s3Endpoint`
    /// and `stepFunctionsEndpoint` put a proxy between it and moto.
    func startWorker(
        _ index: Int,
        s3Endpoint: String? = nil,
        stepFunctionsEndpoint: String? = nil,
        prefix: [String] = []
    ) throws -> ChildProcess {
        var environment = flow.moto.awsEnvironment.merging([
            "SourceDataBucketName": Self.bucket, "S3ETLOutputPath": "s3://\(Self.bucket)/etl",
        ]) { $1 }
        if let s3Endpoint { environment["AWS_ENDPOINT_URL_S3"] = s3Endpoint }
        if let stepFunctionsEndpoint { environment["AWS_ENDPOINT_URL_SFN"] = stepFunctionsEndpoint }
        return try flow.start(
            [
                "worker", "--activity-arn", glue, "--jobs", Self.s3Jobs, "--state", statePath(index),
                "--worker-name", "worker-\(index)", "--heartbeat", "1", "--concurrency", "2",
            ],
            environment: environment,
            prefix: prefix
        )
    }

    /// Starts an execution and completes its two data-arrival tasks, as `sluice notify` would.
    func startExecution(_ name: String) async throws -> String {
        let execution = try await flow.client.startExecution(stateMachineArn: machine, name: name)
        for activity in [sales, marketing] {
            let deadline = Date().addingTimeInterval(60)
            while true {
                if let task = try await flow.client.getActivityTask(activityArn: activity, workerName: "arrival") {
                    try await flow.client.sendTaskSuccess(taskToken: task.taskToken, output: #"{"arrived": true}"#)
                    break
                }
                guard Date() < deadline else { throw FlowHarness.Failure(message: "no task on \(activity)") }
            }
        }
        return execution
    }

    /// Why an execution did not go the whole way (`nil` when it SUCCEEDED without the fallback).
    func problem(_ execution: String, seconds: Double) async throws -> String? {
        let finished = try await finishedExecution(flow.client, execution, seconds: seconds)
        // The fallback also ends in SUCCEEDED: the output says which way the flow went.
        if finished.status == "SUCCEEDED", finished.output?.contains("fallback") == false { return nil }
        let history = try await flow.client.getExecutionHistory(executionArn: execution)
        let failures = history.filter { $0.type.hasSuffix("Failed") || $0.type.hasSuffix("TimedOut") }
        return "\(finished) \(failures.map { "\($0.type) \($0.error ?? "") \($0.cause ?? "")" })"
    }

    /// PSD over every uploaded row in one local process, as `part-00000.parquet` of the returned dataset.
    func singleProcessPSD() throws -> String {
        let whole = flow.path("whole-psd")
        let local = try Subprocess.run(
            Fixtures.sluice,
            ["run", "psd", "--input", "sales=\(flow.path("whole-sales.csv"))", "--output", whole],
            currentDirectory: Paths.packageRoot
        )
        guard local.status == 0 else { throw FlowHarness.Failure(message: "sluice run psd: \(local.stderr)") }
        return whole + "/part-00000.parquet"
    }

    /// What the flow left in S3: whether the merged PSD equals `expected` (schema, values, order), its rows, the
    /// committed partitions, the partitions holding other objects than their manifest's, incomplete uploads, and
    /// JMSD's CSV lines.
    func outputs(comparedWith expected: String) throws -> [String: Any] {
        try jsonObject(
            flow.moto.boto3(
                """
                import io, pyarrow.parquet as pq
                def read(key):
                    return s3.get_object(Bucket=sys.argv[2], Key=key)['Body'].read()
                manifest = json.loads(read('etl/tmp/sales/_SUCCESS'))
                merged = pq.read_table(io.BytesIO(read('etl/tmp/sales/' + manifest['files'][0]['name'])))
                whole = pq.read_table(sys.argv[3])
                keys = []
                for page in s3.get_paginator('list_objects_v2').paginate(Bucket=sys.argv[2], Prefix='etl/'):
                    keys += [o['Key'] for o in page.get('Contents', [])]
                root = 'etl/tmp/sales-partials/'
                partitions = {}
                for key in keys:
                    if key.startswith(root):
                        name, _, rest = key[len(root):].partition('/')
                        partitions.setdefault(name, set()).add(rest)
                committed, unclean = [], []
                for name, names in sorted(partitions.items()):
                    if '_SUCCESS' not in names:
                        unclean.append(name)
                        continue
                    committed.append(name)
                    files = {f['name'] for f in json.loads(read(root + name + '/_SUCCESS'))['files']}
                    if names != files | {'_SUCCESS'}:
                        unclean.append(name)
                uploads = s3.list_multipart_uploads(Bucket=sys.argv[2]).get('Uploads', [])
                jmsd = [k for k in keys if k.startswith('etl/sales-leads-influenced/') and k.endswith('.csv')]
                lines = sum(read(k).count(b'\\n') for k in jmsd)
                print(json.dumps({"equal": merged.equals(whole), "schema": merged.schema.equals(whole.schema),
                                  "rows": merged.num_rows, "committed": committed, "unclean": unclean,
                                  "uploads": len(uploads), "jmsd_lines": lines}))
                """,
                [Self.bucket, expected]
            )
        )
    }

    /// The partition names a complete run commits.
    var expectedPartitions: [String] { (0..<partitions).map { String(format: "file=part-%05d", $0) } }

    /// The runs in worker `index`'s state.
    func runs(_ index: Int) throws -> [[String: Any]] {
        let listed = try Subprocess.run(Fixtures.sluice, ["jobs", "--state", statePath(index), "--json"])
        guard listed.status == 0 else { throw FlowHarness.Failure(message: "sluice jobs: \(listed.stderr)") }
        return try listed.stdout.split(separator: "\n").map { try jsonObject(String($0)) }
    }
}
