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
            let code = """
                import json, sys, urllib.request
                from prometheus_client.parser import text_string_to_metric_families
                text = urllib.request.urlopen(sys.argv[1], timeout=30).read().decode()
                out = {}
                for family in text_string_to_metric_families(text):
                    for s in family.samples:
                        labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()) if k != "activity")
                        out[f"{s.name}{{{labels}}}"] = s.value
                print(json.dumps(out))
                """
            let text = try Python.run(code, [url])
            return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Double] ?? [:]
        }

        @Test func healthReadinessAndMetricsOverASucceedingAndAFailingRun() async throws {
            let flow = try await FlowHarness()
            defer { Task { await flow.shutdown() } }
            let glue = try await flow.client.createActivity(name: "GlueRunnerActivity")
            let machine = try await flow.singleTaskMachine("Observed", activityArn: glue)
            let worker = try flow.startWorker(glue, grace: 120, extra: ["--http-port", "0"])
            #expect(await worker.waitForStderr(seconds: 60) { $0.contains("http endpoint listening") })
            let line = try #require(
                worker.stderr.split(separator: "\n").first { $0.contains("http endpoint listening") }
            )
            let port = try #require(
                line.split(separator: " ").first { $0.hasPrefix("port=") }.flatMap { Int($0.dropFirst(5)) }
            )
            let base = "http://127.0.0.1:\(port)"

            #expect(await eventually { (try? Self.get("\(base)/readyz").status) == 200 })
            let healthy = try Self.get("\(base)/healthz")
            #expect(healthy.status == 200)
            #expect(healthy.body == #"{"status":"ok"}"# + "\n")
            #expect(try Self.get("\(base)/nothing").status == 404)

            // One run that succeeds, one whose input is malformed.
            let sales = try flow.land(SeedStateMachine.salesFile)
            let bad = flow.path("bad.csv")
            try Data(
                "Date,Salesperson,Lead Name,Segment,Region,Target Close,Forecasted Monthly Revenue,Opportunity Stage,Weighted Revenue,Closed Opportunity,Active Opportunity,Latest Status Entry\nnot,a,row\n"
                    .utf8
            ).write(to: URL(fileURLWithPath: bad))
            for (name, path, status) in [("good", sales, "SUCCEEDED"), ("bad", bad, "SUCCEEDED")] {
                let execution = try await flow.client.startExecution(
                    stateMachineArn: machine,
                    name: name,
                    input: #"{"job": "psd", "inputs": {"sales": "\#(path)"}, "output": "output/\#(name)"}"#
                )
                // The failing job's task is caught by the machine's Catch: the execution itself succeeds.
                #expect(try await finishedExecution(flow.client, execution).status == status, "\(worker.stderr)")
            }
            let samples = try Self.metrics("\(base)/metrics")
            #expect(samples["sluice_jobs_started_total{job=psd}"] == 2, "\(samples)")
            #expect(samples["sluice_jobs_succeeded_total{job=psd}"] == 1)
            #expect(samples["sluice_jobs_failed_total{job=psd}"] == 1)
            #expect(samples["sluice_rows_written_total{job=psd}"] == 1802)
            #expect(samples["sluice_worker_runs_total{job=psd,state=succeeded}"] == 1)
            #expect(samples["sluice_worker_runs_total{job=psd,state=failed}"] == 1)
            #expect(samples["sluice_worker_tasks_in_flight{}"] == 0)
            #expect((samples["sluice_worker_polls_total{}"] ?? 0) >= 2)
            #expect(samples["sluice_worker_poll_failures_total{transient=true}"] ?? 0 == 0)

            // A job running when SIGTERM arrives holds the worker within the grace period: unhealthy, with why.
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
    }
}
