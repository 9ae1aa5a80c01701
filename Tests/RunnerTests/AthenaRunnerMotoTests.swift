import Foundation
import StepFunctions
import TestSupport
import Testing

extension MotoIntegrationTests {
    /// The seed's Athena runner test, `AthenaRunnerTestETLOrchestrator` (the fixture is its definition unchanged,
    /// with CloudFormation's substitutions made by the test), in moto's interpreter on `sluice worker` serving a
    /// Glue-runner and an Athena-runner activity at once, with its tables (`jobs/catalog/marketingandsales_qs-s3.json`)
    /// and results in moto's S3.
    @Suite(.tags(.pythonPeers), .needsPythonPeers) struct AthenaRunnerMotoTests {
        static let bucket = "sluice-athena"
        /// The deployed worker's catalog: the seed's tables in `s3://${SourceDataBucketName}/…`.
        static let catalog = Paths.packageRoot.appendingPathComponent("jobs/catalog/marketingandsales_qs-s3.json").path

        /// The seed's test state machine with `table` as its `GlueTableName`; returns its ARN.
        static func machine(
            _ client: StepFunctionsClient,
            name: String,
            athena: String,
            table: String
        ) async throws -> String {
            var definition = try String(
                contentsOf: Fixtures.url("AthenaRunnerTestETLOrchestrator.asl.json"),
                encoding: .utf8
            )
            for (key, value) in [
                "GlueDatabaseName": "marketingandsales_qs", "GlueTableName": table,
                "AthenaRunnerActivityArn": athena,
                "AthenaResultOutputLocation": "s3://\(bucket)/athena-runner-output/",
                "AthenaResultEncryptionOption": "SSE_S3",
            ] {
                definition = definition.replacingOccurrences(of: "${\(key)}", with: value)
            }
            return try await client.createStateMachine(
                name: name,
                definition: definition,
                roleArn: "arn:aws:iam::123456789012:role/StateExecutionRole"
            )
        }

        /// The query succeeds with the seed runner's keys and writes the first 10 rows in Athena's CSV format to
        /// `athena-runner-output/<QueryExecutionId>.csv`; a query on a missing table fails the task with
        /// `AthenaQueryFailedError` and the message in its cause; the job state records both runs under the Athena
        /// activity.
        @Test func theSeedsAthenaRunnerTestSucceedsOnTheWorkerAndAMissingTableFailsWithAthenaQueryFailedError()
            async throws
        {
            let flow = try await FlowHarness()
            defer { Task { await flow.shutdown() } }
            _ = try flow.moto.boto3("s3.create_bucket(Bucket=sys.argv[2])", [Self.bucket])
            let sample = Paths.sample(SeedStateMachine.marketingFile).path
            _ = try flow.moto.boto3(
                "s3.upload_file(sys.argv[2], sys.argv[3], sys.argv[4])",
                [sample, Self.bucket, "marketing/\(SeedStateMachine.marketingFile)"]
            )
            _ = try flow.land(SeedStateMachine.marketingFile)
            let glue = try await flow.client.createActivity(name: "GlueRunnerActivity")
            let athena = try await flow.client.createActivity(name: "AthenaRunnerActivity")
            let good = try await Self.machine(
                flow.client,
                name: "AthenaRunnerTestETLOrchestrator",
                athena: athena,
                table: "marketing_qs"
            )
            let bad = try await Self.machine(flow.client, name: "MissingTable", athena: athena, table: "marketing_q")
            // The repository's S3 catalog with a named query added.
            var catalog = try jsonObject(String(contentsOfFile: Self.catalog, encoding: .utf8))
            catalog["named_queries"] = [
                "days": ["database": "marketingandsales_qs", "query": "SELECT count(*) AS days FROM marketing_qs"]
            ]
            let catalogPath = flow.path("catalog.json")
            try JSONSerialization.data(withJSONObject: catalog).write(to: URL(fileURLWithPath: catalogPath))
            let plainAthena = try await flow.singleTaskMachine("NamedQuery", activityArn: athena)
            let plainGlue = try await flow.singleTaskMachine("GlueJob", activityArn: glue)
            let worker = try flow.start(
                [
                    "worker", "--activity-arn", glue, "--activity", "athena=\(athena)", "--catalog", catalogPath,
                    "--jobs", FlowHarness.repositoryJobs, "--state", flow.statePath, "--heartbeat", "1",
                    "--concurrency", "2",
                ],
                environment: flow.moto.awsEnvironment.merging(["SourceDataBucketName": Self.bucket]) { $1 }
            )
            let execution = try await flow.client.startExecution(stateMachineArn: good, name: "athena-test")
            let missing = try await flow.client.startExecution(stateMachineArn: bad, name: "athena-missing")
            let named = try await flow.client.startExecution(
                stateMachineArn: plainAthena,
                name: "athena-named",
                input: #"{"AthenaNamedQuery": "days", "AthenaResultOutputLocation": "s3://\#(Self.bucket)/named"}"#
            )
            let job = try await flow.client.startExecution(
                stateMachineArn: plainGlue,
                name: "glue-pmd",
                input: #"{"GlueJobName": "ProcessMarketingData"}"#
            )

            let finished = try await finishedExecution(flow.client, execution)
            #expect(finished.status == "SUCCEEDED", "\(finished) \(worker.stderr)")
            let output = try jsonObject(finished.output)
            let id = try #require(output["AthenaQueryExecutionId"] as? String)
            #expect(id.count == 36 && id.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12], "\(id)")
            #expect(output["AthenaQueryString"] as? String == "SELECT * FROM marketing_qs limit 10;")
            #expect(output["AthenaQueryExecutionState"] as? String == "SUCCEEDED")
            #expect(output["AthenaQueryExecutionStateChangeReason"] as? String == "")
            #expect((output["AthenaQuerySubmissionDateTime"] as? String)?.hasSuffix(" UTC") == true)
            #expect((output["AthenaQueryCompletionDateTime"] as? String)?.hasSuffix(" UTC") == true)
            #expect((output["AthenaQueryEngineExecutionTimeInMillis"] as? Int ?? -1) >= 0)
            // The scan stops once the limit is met: it read some of the file's 191,000 bytes, not nothing.
            let scanned = output["AthenaQueryDataScannedInBytes"] as? Int ?? 0
            let fileSize = try FileManager.default.attributesOfItem(atPath: sample)[.size] as? Int ?? 0
            #expect(scanned > 0 && scanned <= fileSize, "\(scanned) of \(fileSize)")
            let key = "athena-runner-output/\(id).csv"
            #expect(output["AthenaQueryResultLocation"] as? String == "s3://\(Self.bucket)/\(key)")
            #expect(output["AthenaQueryResultRowCount"] as? Int == 10)
            #expect(output["AthenaDatabase"] as? String == "marketingandsales_qs")
            #expect(output["AthenaResultEncryptionOption"] as? String == "SSE_S3")

            // The result object: Athena's format, the sample's first 10 rows (dates as the catalog types them).
            let csv = try flow.moto.boto3(
                "sys.stdout.write(s3.get_object(Bucket=sys.argv[2], Key=sys.argv[3])['Body'].read().decode())",
                [Self.bucket, key]
            )
            let expected = try Python.run(
                """
                import csv, re, sys
                rows = list(csv.reader(open(sys.argv[1], newline='')))
                quote = lambda v: '"' + v.replace('"', '""') + '"'
                lines = [','.join(quote(re.sub(r'\\s+', '_', h.strip().lower())) for h in rows[0])]
                for row in rows[1:11]:
                    m, d, y = row[0].split('/')
                    row[0] = '%04d-%02d-%02d' % (int(y), int(m), int(d))
                    lines.append(','.join('' if v == '' else quote(v) for v in row))
                sys.stdout.write('\\n'.join(lines) + '\\n')
                """,
                [sample]
            )
            #expect(csv == expected)
            #expect(csv.hasPrefix(#""date","new_visitors_seo","#))
            // Nothing else under the prefix: no temporary object, no upload left open.
            let listing = try flow.moto.boto3(
                """
                keys = [o['Key'] for o in s3.list_objects_v2(Bucket=sys.argv[2], Prefix='athena-runner-output/').get('Contents', [])]
                uploads = s3.list_multipart_uploads(Bucket=sys.argv[2]).get('Uploads', [])
                print(json.dumps({'keys': keys, 'uploads': len(uploads)}))
                """,
                [Self.bucket]
            )
            let objects = try jsonObject(listing)
            #expect(objects["uploads"] as? Int == 0)

            let failed = try await finishedExecution(flow.client, missing)
            #expect(failed.status == "FAILED", "\(failed)")
            #expect(failed.error == "AthenaQueryFailedError", "\(failed)")
            let cause = try jsonObject(failed.cause)
            #expect(cause["AthenaQueryExecutionState"] as? String == "FAILED")
            #expect(cause["AthenaQueryString"] as? String == "SELECT * FROM marketing_q limit 10;")
            let message = cause["message"] as? String ?? ""
            #expect(message.contains(#"unknown table marketing_q; did you mean "marketing_qs"?"#), "\(message)")
            #expect(cause["AthenaQueryExecutionStateChangeReason"] as? String == message)
            let failedId = try #require(cause["AthenaQueryExecutionId"] as? String)
            #expect(objects["keys"] as? [String] == [key], "\(listing)")
            #expect(!(objects["keys"] as? [String] ?? []).contains("athena-runner-output/\(failedId).csv"))

            // The named query runs its saved text in its database; the Glue job ran beside it on the same worker.
            let namedRun = try await finishedExecution(flow.client, named)
            #expect(namedRun.status == "SUCCEEDED", "\(namedRun) \(worker.stderr)")
            let namedOutput = try jsonObject(namedRun.output)
            #expect(namedOutput["AthenaQueryString"] as? String == "SELECT count(*) AS days FROM marketing_qs")
            let namedId = try #require(namedOutput["AthenaQueryExecutionId"] as? String)
            let days = try flow.moto.boto3(
                "sys.stdout.write(s3.get_object(Bucket=sys.argv[2], Key=sys.argv[3])['Body'].read().decode())",
                [Self.bucket, "named/\(namedId).csv"]
            )
            #expect(days == "\"days\"\n\"1461\"\n")
            let jobRun = try await finishedExecution(flow.client, job)
            #expect(jobRun.status == "SUCCEEDED", "\(jobRun) \(worker.stderr)")
            #expect(try jsonObject(jobRun.output)["rowsWritten"] as? Int == 1461)

            worker.signal(SIGTERM)
            #expect(await worker.wait(seconds: 30) == 0, "\(worker.stderr)")
            let runs = try flow.runs()
            #expect(runs.count == 4, "\(runs)")
            #expect(runs.filter { $0["activityArn"] as? String == glue }.map { $0["job"] as? String } == ["pmd"])
            let queries = runs.filter { $0["activityArn"] as? String == athena }
            #expect(queries.count == 3 && queries.allSatisfy { $0["job"] as? String == "query" }, "\(runs)")
            let succeeded = queries.first { ($0["output"] as? String)?.contains("athena-runner-output") == true }
            #expect(succeeded?["rowsWritten"] as? Int == 10)
            #expect(succeeded?["output"] as? String == "s3://\(Self.bucket)/\(key)")
            let failedRun = runs.first { $0["state"] as? String == "FAILED" }
            #expect((failedRun?["error"] as? String)?.contains("unknown table marketing_q") == true)
        }
    }
}
