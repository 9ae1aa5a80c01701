import Foundation
import StepFunctions
import TestSupport
import Testing

extension MotoIntegrationTests {
    /// `sluice worker --http-port 0` against moto: health, readiness and Prometheus metrics as a platform reads them.
    @Suite(.tags(.pythonPeers), .needsPythonPeers) struct WorkerHTTPTests {
        /// `GET url`: the status and the body (Python's urllib, so nothing of ours is on the client side).
        static func get(_ url: String) throws -> (status: Int, body: String) {
            let code = """
                import json, sys, urllib.request, urllib.error
                try:
                    with urllib.request.urlopen(sys.argv[1], timeout=30) as r:
                        print(json.dumps([r.status, r.read().decode()]))
                except urllib.error.HTTPError as e:
                    print(json.dumps([e.code, e.read().decode()]))
                """
            let answer = try JSONSerialization.jsonObject(with: Data(try Python.run(code, [url]).utf8)) as? [Any]
            return (answer?[0] as? Int ?? 0, answer?[1] as? String ?? "")
        }

        /// The samples of `/metrics` as `name{label=value,...}` → value, parsed by prometheus_client.
        static func metrics(_ url: String) throws -> [String: Double] {
            try PrometheusSamples.read(url, ignoring: ["activity"])
        }

        /// The port a worker started with `--http-port 0` reports on its "http endpoint listening" line.
        static func port(of worker: ChildProcess) async throws -> Int {
            #expect(await worker.waitForStderr(seconds: 60) { $0.contains("http endpoint listening") })
            let line = try #require(
                worker.stderr.split(separator: "\n").first { $0.contains("http endpoint listening") }
            )
            return try #require(
                line.split(separator: " ").first { $0.hasPrefix("port=") }.flatMap { Int($0.dropFirst(5)) }
            )
        }

        /// Starts an execution of the seed's flow and reports both files' arrival as the seed's S3 Lambda would.
        static func runSeedFlow(
            _ flow: FlowHarness,
            _ machine: SeedStateMachine,
            name: String
        ) async throws -> ExecutionDescription {
            let execution = try await flow.client.startExecution(stateMachineArn: machine.stateMachineArn, name: name)
            // Both arrival states wait before either is reported, and the marketing file is reported first: once the
            // sales file is reported, a PSD that fails ends the parallel state and closes the marketing wait.
            #expect(
                await eventually(seconds: 60) {
                    let history = (try? await flow.client.getExecutionHistory(executionArn: execution)) ?? []
                    return history.filter { $0.type == "ActivityScheduled" }.count >= 2
                }
            )
            for (file, arn) in [
                (SeedStateMachine.marketingFile, machine.marketingArn), (SeedStateMachine.salesFile, machine.salesArn),
            ] {
                let path = flow.path("samples/\(file)")
                let notify = try await flow.run(["notify", "--activity-arn", arn, "--file", path])
                #expect(notify.status == 0, "\(notify.stderr)")
            }
            return try await finishedExecution(flow.client, execution)
        }

        @Test func healthReadinessAndMetricsOverTheSeedFlowAndAFailingOne() async throws {
            let flow = try await FlowHarness()
            defer { Task { await flow.shutdown() } }
            let seed = try await SeedStateMachine.create(on: flow.client)
            let worker = try flow.startWorker(seed.glueRunnerArn, grace: 120, extra: ["--http-port", "0"])
            let base = "http://127.0.0.1:\(try await Self.port(of: worker))"

            #expect(await eventually { (try? Self.get("\(base)/readyz").status) == 200 })
            let healthy = try Self.get("\(base)/healthz")
            #expect(healthy.status == 200)
            #expect(healthy.body == #"{"status":"ok"}"# + "\n")
            #expect(try Self.get("\(base)/nothing").status == 404)

            // The seed's flow: three jobs succeed, none fails.
            try flow.land(SeedStateMachine.salesFile)
            try flow.land(SeedStateMachine.marketingFile)
            let good = try await Self.runSeedFlow(flow, seed, name: "good")
            #expect(good.status == "SUCCEEDED", "\(good) \(worker.stderr)")
            var samples = try Self.metrics("\(base)/metrics")
            for job in ["psd", "pmd", "jmsd"] {
                #expect(samples["sluice_jobs_started_total{job=\(job)}"] == 1, "\(job) \(samples)")
                #expect(samples["sluice_jobs_succeeded_total{job=\(job)}"] == 1, "\(job)")
                #expect(samples["sluice_jobs_failed_total{job=\(job)}"] == 0, "\(job)")
                #expect(samples["sluice_worker_runs_started_total{job=\(job)}"] == 1, "\(job)")
                #expect(samples["sluice_worker_runs_total{job=\(job),state=succeeded}"] == 1, "\(job)")
                #expect(samples["sluice_job_duration_seconds_count{job=\(job),state=succeeded}"] == 1, "\(job)")
            }
            #expect(samples["sluice_rows_written_total{job=psd}"] == 1802)
            #expect(samples["sluice_rows_written_total{job=jmsd}"] == 1393)
            #expect(samples["sluice_worker_tasks_in_flight{}"] == 0)
            #expect((samples["sluice_worker_polls_total{}"] ?? 0) >= 3)
            #expect(samples["sluice_worker_poll_failures_total{transient=true}"] ?? 0 == 0)
            // Every heartbeat call is timed, answered or not.
            let beats = (samples["sluice_worker_heartbeats_total{}"] ?? 0)
            #expect(samples["sluice_worker_heartbeat_duration_seconds_count{}"] ?? 0 >= beats)
            // Every Step Functions request is counted by its action.
            #expect(samples["sluice_aws_requests_total{operation=SendTaskSuccess,service=states}"] == 3)

            // The same flow with a sales file PSD cannot read: one job fails, and the flow takes its fallback.
            try flow.land(SeedStateMachine.salesFile) { text in
                var lines = text.components(separatedBy: "\n")
                var fields = lines[4].components(separatedBy: ",")
                fields[6] = "12x4"
                lines[4] = fields.joined(separator: ",")
                return lines.joined(separator: "\n")
            }
            let bad = try await Self.runSeedFlow(flow, seed, name: "bad")
            #expect(bad.status == "SUCCEEDED", "the fallback catches it: \(bad)")
            #expect(unquoted(bad.output) == "This is a fallback from an ETL job failure.")
            samples = try Self.metrics("\(base)/metrics")
            #expect(samples["sluice_jobs_started_total{job=psd}"] == 2, "\(samples)")
            #expect(samples["sluice_jobs_succeeded_total{job=psd}"] == 1)
            #expect(samples["sluice_jobs_failed_total{job=psd}"] == 1)
            #expect(samples["sluice_worker_runs_total{job=psd,state=failed}"] == 1)
            // PSD's failure fails the Parallel state, which closes PMD's task: a PMD still running then finds its
            // task gone at its commit gate, commits nothing and fails too.
            let pmdFailed = samples["sluice_jobs_failed_total{job=pmd}"] ?? 0
            #expect(pmdFailed == 0 || pmdFailed == 1)
            let failed = samples.filter { $0.key.hasPrefix("sluice_jobs_failed_total{") }.values.reduce(0, +)
            #expect(failed == 1 + pmdFailed, "only PSD failed, and PMD if its task was closed first")
            #expect(samples["sluice_jobs_started_total{job=jmsd}"] == 1, "the join never ran on the failed flow")
            #expect(samples["sluice_aws_requests_total{operation=SendTaskFailure,service=states}"] == 1 + pmdFailed)
            #expect(samples["sluice_worker_tasks_in_flight{}"] == 0)

            // A job running when SIGTERM arrives holds the worker within the grace period: unhealthy, with why.
            let machine = try await flow.singleTaskMachine("Observed", activityArn: seed.glueRunnerArn)
            let pipe = try PipeFeeder(path: flow.path("held.csv"))
            let held = try await flow.client.startExecution(
                stateMachineArn: machine,
                name: "held",
                input: #"{"job": "psd", "inputs": {"sales": "\#(pipe.path)"}, "output": "output/held"}"#
            )
            #expect(await eventually { (try? flow.runs().last?["state"] as? String) == "RUNNING" })
            worker.signal(SIGTERM)
            #expect(await worker.waitForStderr(seconds: 60) { $0.contains("shutting down: no new polls") })
            let stopping = try Self.get("\(base)/healthz")
            #expect(stopping.status == 503)
            #expect(stopping.body == #"{"reason":"shutting down","status":"unavailable"}"# + "\n")
            #expect(try Self.get("\(base)/readyz").status == 503)
            pipe.feed(try Data(contentsOf: Paths.sample(SeedStateMachine.salesFile)), chunks: 1, pause: 0)
            #expect(try await finishedExecution(flow.client, held).status == "SUCCEEDED")
            #expect(await worker.wait(seconds: 120) == 0)
            // Gone with the worker: the platform sees the endpoint unreachable.
            #expect(throws: (any Error).self) { try Self.get("\(base)/healthz") }
        }

        @Test func unhealthyWhileStepFunctionsIsUnreachableThenRecoversAndLosesNothing() async throws {
            let flow = try await FlowHarness()
            defer { Task { await flow.shutdown() } }
            let proxy = try await FaultProxy.start(upstream: flow.moto.endpoint)
            defer { proxy.stop() }
            let glue = try await flow.client.createActivity(name: "GlueRunnerActivity")
            let machine = try await flow.singleTaskMachine("Unreachable", activityArn: glue)
            let worker = try flow.startWorker(
                glue,
                extra: ["--http-port", "0", "--poll-failure-threshold", "2"],
                environment: ["AWS_ENDPOINT_URL_SFN": proxy.endpoint]
            )
            let base = "http://127.0.0.1:\(try await Self.port(of: worker))"
            #expect(await eventually { (try? Self.get("\(base)/readyz").status) == 200 })

            // Another process holds the job state's write lock: unhealthy with why, healthy again once released.
            let holder = try SQLiteLockHolder(database: flow.statePath, directory: flow.work)
            #expect(await holder.waitUntilHeld(), "\(holder.stderr)")
            #expect(
                await eventually {
                    let health = try? Self.get("\(base)/healthz")
                    return health?.status == 503 && health?.body.contains("is locked by another connection") == true
                },
                "\(worker.stderr)"
            )
            #expect(try Self.get("\(base)/readyz").status == 503)
            #expect(await holder.release() == 0, "\(holder.stderr)")
            #expect(await eventually { (try? Self.get("\(base)/healthz").status) == 200 })

            // A job running when the outage starts, held on its input until the link is down.
            let pipe = try PipeFeeder(path: flow.path("held.csv"))
            let held = try await flow.client.startExecution(
                stateMachineArn: machine,
                name: "held-through-the-outage",
                input: #"{"job": "psd", "inputs": {"sales": "\#(pipe.path)"}, "output": "output/held"}"#
            )
            #expect(await eventually { (try? flow.runs().last?["state"] as? String) == "RUNNING" })

            // Every request to Step Functions now has its connection closed without an answer.
            try proxy.script([FaultProxy.Rule(fault: .reset, method: "POST", times: 1_000_000)])
            pipe.feed(try Data(contentsOf: Paths.sample(SeedStateMachine.salesFile)), chunks: 1, pause: 0)
            #expect(
                await worker.waitForStderr(seconds: 240) { $0.contains("the report got no answer; sending it again") },
                "\(worker.stderr)"
            )
            let sales = try flow.land(SeedStateMachine.salesFile)
            let execution = try await flow.client.startExecution(
                stateMachineArn: machine,
                name: "during-the-outage",
                input: #"{"job": "psd", "inputs": {"sales": "\#(sales)"}, "output": "output/psd"}"#
            )
            #expect(
                await eventually {
                    let health = try? Self.get("\(base)/healthz")
                    return health?.status == 503 && health?.body.contains("polls have failed for") == true
                },
                "\(worker.stderr)"
            )
            #expect(try Self.get("\(base)/readyz").status == 503)
            let failing = try Self.metrics("\(base)/metrics")
            #expect(failing["sluice_worker_poll_failures_total{transient=true}"] ?? 0 >= 1, "\(failing)")
            let retries = failing.filter {
                $0.key.hasPrefix("sluice_aws_retries_total{cause=NetworkError,operation=GetActivityTask")
            }
            #expect(retries.values.reduce(0, +) >= 1, "\(failing)")

            // The link is back: the worker recovers by itself and runs the task scheduled meanwhile (or, when a poll
            // in flight took it before the outage, delivers the success it kept sending again).
            try proxy.reset()
            #expect(await eventually { (try? Self.get("\(base)/healthz").status) == 200 }, "\(worker.stderr)")
            for started in [held, execution] {
                let finished = try await finishedExecution(flow.client, started, seconds: 240)
                #expect(finished.status == "SUCCEEDED", "\(finished) \(worker.stderr)")
                let output = try jsonObject(finished.output)
                #expect((output["rowsWritten"] as? NSNumber)?.intValue == 1802)
            }
            #expect(try flow.runs().map { $0["state"] as? String } == ["SUCCEEDED", "SUCCEEDED"])
            #expect(try flow.runs().map { $0["error"] as? String } == [nil, nil], "delivered, not noted as lost")
            worker.signal(SIGTERM)
            #expect(await worker.wait(seconds: 120) == 0)
        }
    }
}
