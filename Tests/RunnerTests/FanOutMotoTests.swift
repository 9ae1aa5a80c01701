import Foundation
import StepFunctions
import TestSupport
import Testing

extension MotoIntegrationTests {
    /// The repository's fan-out flow (`jobs/flows/MarketingAndSalesFanOutETLOrchestrator.asl.json`) in moto's
    /// interpreter: a Distributed Map over the sales objects in moto's S3 sends one `psd-partial` task per object
    /// to two `sluice worker` processes (each with its own state) on one activity; `psd-merge` and JMSD follow.
    @Suite(.tags(.pythonPeers), .needsPythonPeers) struct FanOutMotoTests {
        static let bucket = "sluice-fan-out"
        static let definition = Paths.packageRoot.appendingPathComponent(
            "jobs/flows/MarketingAndSalesFanOutETLOrchestrator.asl.json"
        )
        static let s3Jobs = Paths.packageRoot.appendingPathComponent("jobs/s3").path

        /// The sales sample's data lines dealt into `count` CSV texts, each with the header line.
        static func salesParts(_ count: Int) throws -> [String] {
            let text = try String(contentsOf: Paths.sample(SeedStateMachine.salesFile), encoding: .utf8)
            var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
            let header = lines.removeFirst()
            let size = (lines.count + count - 1) / count
            return (0..<count).map { index in
                let body = lines[min(index * size, lines.count)..<min((index + 1) * size, lines.count)]
                return ([header] + body).joined(separator: "\n") + "\n"
            }
        }

        /// Completes the next task of a data-arrival activity, as `sluice notify` would.
        static func arrive(_ client: StepFunctionsClient, _ activity: String) async throws {
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                if let task = try await client.getActivityTask(activityArn: activity, workerName: "test-arrival") {
                    try await client.sendTaskSuccess(taskToken: task.taskToken, output: #"{"arrived": true}"#)
                    return
                }
            }
            throw FlowHarness.Failure(message: "no task on \(activity) within 60 s")
        }

        @Test func eightPartitionsOnTwoWorkersGiveExactlyTheSinglePSDRun() async throws {
            let flow = try await FlowHarness()
            defer { Task { await flow.shutdown() } }
            let parts = try Self.salesParts(8)
            let landing = flow.work.appendingPathComponent("parts")
            try FileManager.default.createDirectory(at: landing, withIntermediateDirectories: true)
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
            let glue = try await flow.client.createActivity(name: "GlueRunnerActivity")
            let sales = try await flow.client.createActivity(name: "WaitForSalesData")
            let marketing = try await flow.client.createActivity(name: "WaitForMarketingData")
            var definition = try String(contentsOf: Self.definition, encoding: .utf8)
            for (key, value) in [
                "GlueRunnerActivityArn": glue, "WaitForSalesDataActivityArn": sales,
                "WaitForMarketingDataActivityArn": marketing, "SourceDataBucketName": Self.bucket,
                "SalesPartitionsPrefix": "sales/", "MaxConcurrency": "4", "HeartbeatSeconds": "10",
                "TaskTimeoutSeconds": "120", "ProcessMarketingDataGlueJobName": "ProcessMarketingData",
                "JoinMarketingAndSalesDataJobName": "JoinMarketingAndSalesData",
            ] {
                definition = definition.replacingOccurrences(of: "${\(key)}", with: value)
            }
            #expect(!definition.contains("${"), "a substitution is missing")
            let machine = try await flow.client.createStateMachine(
                name: "MarketingAndSalesFanOutETLOrchestrator",
                definition: definition,
                roleArn: "arn:aws:iam::123456789012:role/StateExecutionRole"
            )
            let environment = flow.moto.awsEnvironment.merging([
                "SourceDataBucketName": Self.bucket, "S3ETLOutputPath": "s3://\(Self.bucket)/etl",
            ]) { $1 }
            var workers: [ChildProcess] = []
            for index in 0..<2 {
                workers.append(
                    try flow.start(
                        [
                            "worker", "--activity-arn", glue, "--jobs", Self.s3Jobs,
                            "--state", flow.path("worker-\(index).sqlite"), "--worker-name", "worker-\(index)",
                            "--heartbeat", "1", "--concurrency", "2",
                        ],
                        environment: environment
                    )
                )
            }
            let execution = try await flow.client.startExecution(stateMachineArn: machine, name: "fan-out")
            try await Self.arrive(flow.client, sales)
            try await Self.arrive(flow.client, marketing)
            let finished = try await finishedExecution(flow.client, execution, seconds: 240)
            let history = try await flow.client.getExecutionHistory(executionArn: execution)
            let failures = history.filter { $0.type.hasSuffix("Failed") || $0.type.hasSuffix("TimedOut") }
            // The fallback also ends in SUCCEEDED: the output says which way the flow went.
            #expect(
                finished.status == "SUCCEEDED" && finished.output?.contains("fallback") == false,
                "\(finished) \(failures) \(workers.map(\.stderr).joined(separator: "\n---\n").suffix(4000))"
            )

            // The merged PSD equals one local run over the whole sample: schema, values and order.
            let whole = flow.path("whole-psd")
            let local = try Subprocess.run(
                Fixtures.sluice,
                ["run", "psd", "--output", whole],
                currentDirectory: Paths.packageRoot
            )
            #expect(local.status == 0, "\(local.stderr)")
            let verdict = try flow.moto.boto3(
                """
                import io, pyarrow.parquet as pq
                def read(key):
                    return s3.get_object(Bucket=sys.argv[2], Key=key)['Body'].read()
                manifest = json.loads(read('etl/tmp/sales/_SUCCESS'))
                merged = pq.read_table(io.BytesIO(read('etl/tmp/sales/' + manifest['files'][0]['name'])))
                whole = pq.read_table(sys.argv[3])
                keys = [o['Key'] for o in s3.list_objects_v2(Bucket=sys.argv[2], Prefix='etl/')['Contents']]
                markers = sorted(k for k in keys if k.startswith('etl/tmp/sales-partials/') and k.endswith('/_SUCCESS'))
                uploads = s3.list_multipart_uploads(Bucket=sys.argv[2]).get('Uploads', [])
                jmsd = [k for k in keys if k.startswith('etl/sales-leads-influenced/') and k.endswith('.csv')]
                lines = sum(s3.get_object(Bucket=sys.argv[2], Key=k)['Body'].read().count(b'\\n') for k in jmsd)
                print(json.dumps({"equal": merged.equals(whole), "schema": merged.schema.equals(whole.schema),
                                  "rows": merged.num_rows, "markers": [m.split('/')[3] for m in markers],
                                  "uploads": len(uploads), "jmsd_lines": lines}))
                """,
                [Self.bucket, whole + "/part-00000.parquet"]
            )
            let figures = try jsonObject(verdict)
            #expect(figures["equal"] as? Bool == true, "\(figures)")
            #expect(figures["schema"] as? Bool == true, "\(figures)")
            #expect(figures["rows"] as? Int == 1802)
            #expect(figures["markers"] as? [String] == (0..<8).map { String(format: "file=part-%05d", $0) })
            #expect(figures["uploads"] as? Int == 0)
            // JMSD's CSV: a header line and the 1,393 joined days.
            #expect(figures["jmsd_lines"] as? Int == 1394)

            // Both workers' states together account for every task: 8 partials, the merge, PMD and JMSD.
            var jobs: [String: Int] = [:]
            var workersUsed = Set<Int>()
            for index in 0..<2 {
                let listed = try Subprocess.run(
                    Fixtures.sluice,
                    ["jobs", "--state", flow.path("worker-\(index).sqlite"), "--json"]
                )
                for line in listed.stdout.split(separator: "\n") {
                    let run = try jsonObject(String(line))
                    #expect(run["state"] as? String == "SUCCEEDED", "\(run)")
                    jobs[run["job"] as? String ?? "?", default: 0] += 1
                    workersUsed.insert(index)
                }
            }
            #expect(jobs == ["psd-partial": 8, "psd-merge": 1, "pmd": 1, "jmsd": 1], "\(jobs)")
            #expect(workersUsed == [0, 1], "one worker took every task")
        }
    }
}
