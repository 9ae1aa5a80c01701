import Foundation
import StepFunctions
import TestSupport
import Testing

extension MotoIntegrationTests {
    /// The seed's `MarketingAndSalesETLOrchestrator`, unchanged, run by moto's interpreter with `sluice worker` as its
    /// Glue runner and `sluice notify` / `sluice watch` as its S3 notifications.
    @Suite(.tags(.pythonPeers), .needsPythonPeers) struct SeedFlowTests {
        @Test func theSeedFlowSucceedsWithWorkerAndNotify() async throws {
            let flow = try await FlowHarness()
            defer { Task { await flow.shutdown() } }
            let machine = try await SeedStateMachine.create(on: flow.client)
            let execution = try await flow.client.startExecution(
                stateMachineArn: machine.stateMachineArn,
                name: "seed-1"
            )
            let worker = try flow.startWorker(machine.glueRunnerArn)

            // The data lands; its arrival is reported as the seed's S3 Lambda would.
            for (file, arn) in [
                (SeedStateMachine.salesFile, machine.salesArn), (SeedStateMachine.marketingFile, machine.marketingArn),
            ] {
                let path = try flow.land(file)
                let notify = try await flow.run(["notify", "--activity-arn", arn, "--file", path])
                #expect(notify.status == 0, "\(notify.stderr)")
                #expect(notify.stdout.contains("notified \(arn)"))
            }

            let finished = try await finishedExecution(flow.client, execution)
            #expect(finished.status == "SUCCEEDED", "\(finished) \(worker.stderr)")
            // The execution's output is the JSON the worker sent for the last job.
            let output = try jsonObject(finished.output)
            #expect(output["GlueJobName"] as? String == "JoinMarketingAndSalesData")
            #expect(output["GlueJobRunState"] as? String == "SUCCEEDED")
            #expect(output["state"] as? String == "SUCCEEDED")
            #expect(output["job"] as? String == "jmsd")
            #expect((output["rowsWritten"] as? NSNumber)?.intValue == 1393)
            #expect(output["output"] as? String == flow.path("output/jmsd"))

            let history = try await flow.client.getExecutionHistory(executionArn: execution)
            #expect(!history.contains { $0.name == "ETL Job Failed Fallback" })
            // As on AWS, the Pass states' string Results reach the worker JSON-encoded a second time.
            let scheduled = history.filter { $0.type == "ActivityScheduled" && $0.resource == machine.glueRunnerArn }
            #expect(
                Set(scheduled.compactMap(\.input)) == [
                    #""{\"GlueJobName\" : \"ProcessSalesData\"}""#,
                    #""{\"GlueJobName\" : \"ProcessMarketingData\"}""#,
                    #""{\"GlueJobName\" : \"JoinMarketingAndSalesData\"}""#,
                ]
            )
            let workers = history.filter { $0.type == "ActivityStarted" }.map(\.detailsJSON)
            #expect(workers.filter { $0.contains("test-worker") }.count == 3)
            #expect(workers.filter { $0.contains("on_s3_object_created") }.count == 2)
            let arrival = try jsonObject(
                history.first { $0.type == "ActivitySucceeded" && ($0.output ?? "").contains("S3BucketName") }?.output
            )
            #expect(arrival["S3BucketName"] as? String == SeedStateMachine.bucket)
            #expect(
                arrival["S3Key"] as? String == SeedStateMachine.salesFile
                    || arrival["S3Key"] as? String == SeedStateMachine.marketingFile
            )
            #expect((arrival["bytes"] as? NSNumber)?.intValue ?? 0 > 0)

            // The three datasets, read by pyarrow, match what DuckDB computes from the CSVs.
            let check = try Python.run(
                """
                import sys, duckdb, pyarrow.parquet as pq
                out, sales, marketing = sys.argv[1], sys.argv[2], sys.argv[3]
                psd = pq.read_table(out + '/psd').to_pydict()
                pmd = pq.read_table(out + '/pmd')
                jmsd = pq.read_table(out + '/jmsd')
                expected = duckdb.sql(f'''
                    SELECT strptime("Date", '%m/%d/%Y')::DATE AS d, sum("Forecasted Monthly Revenue"::BIGINT)::BIGINT, count(*)
                    FROM read_csv('{sales}', all_varchar=true) WHERE "Opportunity Stage" = 'Lead' GROUP BY d ORDER BY d
                ''').fetchall()
                got = list(zip(psd['date'], psd['forecasted_lead_revenue'], psd['leads_generated']))
                assert got == [tuple(r) for r in expected], 'psd differs from DuckDB'
                mrows = duckdb.sql(f"SELECT count(*) FROM read_csv('{marketing}', all_varchar=true)").fetchall()[0][0]
                print(len(got), sum(r[1] for r in got), sum(r[2] for r in got), pmd.num_rows, pmd.num_columns, mrows,
                      jmsd.num_rows, jmsd.num_columns, jmsd.column_names[:3])
                """,
                [
                    flow.path("output"), Paths.sample(SeedStateMachine.salesFile).path,
                    Paths.sample(SeedStateMachine.marketingFile).path,
                ]
            )
            #expect(
                check.trimmingCharacters(in: .whitespacesAndNewlines)
                    == "1802 2714843612 9141 1461 19 1461 1393 21 ['date', 'forecasted_lead_revenue', 'leads_generated']"
            )

            // Every run is in the job state.
            let runs = try flow.runs()
            #expect(runs.count == 3)
            #expect(runs.allSatisfy { $0["state"] as? String == "SUCCEEDED" })
            let written = Dictionary(
                uniqueKeysWithValues: runs.map {
                    ($0["job"] as? String ?? "?", ($0["rowsWritten"] as? NSNumber)?.intValue ?? -1)
                }
            )
            #expect(written == ["psd": 1802, "pmd": 1461, "jmsd": 1393])
            #expect(runs.allSatisfy { ($0["activityArn"] as? String) == machine.glueRunnerArn })
            let table = try Subprocess.run(Fixtures.sluice, ["jobs", "--state", flow.statePath])
            #expect(table.status == 0)
            #expect(table.stdout.split(separator: "\n").count == 4)
            #expect(table.stdout.hasPrefix("RUN ID"))

            worker.signal(SIGTERM)
            #expect(await worker.wait(seconds: 20) == 0)
            await flow.shutdown()
        }

        @Test func aCorruptSalesFileTakesTheFallbackWithGlueJobFailedError() async throws {
            let flow = try await FlowHarness()
            defer { Task { await flow.shutdown() } }
            let machine = try await SeedStateMachine.create(on: flow.client)
            let execution = try await flow.client.startExecution(
                stateMachineArn: machine.stateMachineArn,
                name: "corrupt"
            )
            let worker = try flow.startWorker(machine.glueRunnerArn)
            let watch = try flow.start([
                "watch", flow.path("samples"), "--activity-prefix", machine.arrivalPrefix, "--interval", "0.3",
            ])

            try flow.land(SeedStateMachine.marketingFile)
            try flow.land(SeedStateMachine.salesFile) { text in
                // Line 5's "Forecasted Monthly Revenue" is no longer a number.
                var lines = text.components(separatedBy: "\n")
                var fields = lines[4].components(separatedBy: ",")
                fields[6] = "12x4"
                lines[4] = fields.joined(separator: ",")
                return lines.joined(separator: "\n")
            }

            let finished = try await finishedExecution(flow.client, execution)
            #expect(finished.status == "SUCCEEDED", "\(finished)")
            #expect(unquoted(finished.output) == "This is a fallback from an ETL job failure.")
            let history = try await flow.client.getExecutionHistory(executionArn: execution)
            #expect(history.contains { $0.type == "PassStateEntered" && $0.name == "ETL Job Failed Fallback" })
            let failed = try #require(history.first { $0.type == "ActivityFailed" })
            #expect(failed.error == "GlueJobFailedError")
            let cause = try jsonObject(failed.cause)
            #expect(cause["job"] as? String == "psd")
            #expect(cause["glue_job_name"] as? String == "ProcessSalesData")
            let message = try #require(cause["message"] as? String)
            #expect(message.contains(SeedStateMachine.salesFile), "\(message)")
            #expect(message.contains("12x4"), "\(message)")
            #expect(!FileManager.default.fileExists(atPath: flow.path("output/psd")), "a failed job commits no output")

            let runs = try flow.runs()
            let psd = try #require(
                runs.first { $0["job"] as? String == "ProcessSalesData" || $0["job"] as? String == "psd" }
            )
            #expect(psd["state"] as? String == "FAILED")
            #expect((psd["error"] as? String)?.contains("12x4") == true)
            #expect(cause["runId"] as? String == psd["runId"] as? String)

            for process in [worker, watch] {
                process.signal(SIGTERM)
                #expect(await process.wait(seconds: 20) == 0)
            }
            #expect(watch.stderr.contains("data arrival reported"))
            await flow.shutdown()
        }
    }
}
