import Foundation
import StepFunctions
import TestSupport
import Testing

extension MotoIntegrationTests {
    /// The worker's logs as a log pipeline reads them: `--log-format json` lines parse and carry the run id of every
    /// job line, and no secret appears in any line, in either format.
    @Suite(.tags(.pythonPeers), .needsPythonPeers) struct WorkerLogTests {
        @Test(arguments: ["json", "text"])
        func logsCarryTheRunAndNoSecret(format: String) async throws {
            // moto checks signatures against an IAM user's real-looking key (AKIA…, a 40-character secret).
            let flow = try await FlowHarness(auth: true)
            defer { Task { await flow.shutdown() } }
            let credentials = try #require(flow.moto.credentials)
            #expect(credentials.keyId.hasPrefix("AKIA") && credentials.secret.count == 40)
            let glue = try await flow.client.createActivity(name: "GlueRunnerActivity")
            let machine = try await flow.singleTaskMachine("Logged", activityArn: glue)
            let worker = try flow.startWorker(glue, extra: ["--log-format", format, "--log-level", "trace"])
            let sales = try flow.land(SeedStateMachine.salesFile)
            let execution = try await flow.client.startExecution(
                stateMachineArn: machine,
                name: "logged-\(format)",
                input: #"{"job": "psd", "inputs": {"sales": "\#(sales)"}, "output": "output/logged"}"#
            )
            let finished = try await finishedExecution(flow.client, execution)
            #expect(finished.status == "SUCCEEDED", "\(finished) \(worker.stderr)")
            worker.signal(SIGTERM)
            #expect(await worker.wait(seconds: 120) == 0)

            let stderr = worker.stderr
            #expect(!stderr.contains(credentials.secret), "the secret access key is never logged")
            #expect(stderr.contains("job succeeded"))
            guard format == "json" else { return }
            let runId = try #require(try flow.runs().first?["runId"] as? String)
            var jobLines = 0
            for line in stderr.split(separator: "\n") {
                let object = try #require(
                    try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    "not a JSON object: \(line)"
                )
                let time = try #require(object["time"] as? String)
                #expect(time.hasSuffix("Z") && time.count == 24, "\(time)")
                let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
                #expect(levels.contains(object["level"] as? String ?? ""), "\(line)")
                #expect(object["message"] is String)
                #expect(object["logger"] as? String == "sluice.worker")
                if ["job started", "job succeeded"].contains(object["message"] as? String) {
                    jobLines += 1
                    #expect(object["activity"] as? String == glue, "\(line)")
                    #expect(object["run_id"] as? String == runId, "\(line)")
                    #expect(object["job"] as? String == "psd", "\(line)")
                }
            }
            #expect(jobLines == 2)
        }
    }
}
