import Foundation
import StepFunctions
import TestSupport
import Testing

extension MotoIntegrationTests {
    /// Clear errors, never a crash: bad credentials, an unreachable endpoint, malformed task input, an unknown job,
    /// nothing waiting for a notification.
    @Suite(.tags(.pythonPeers), .needsPythonPeers) struct ErrorHandlingTests {
        @Test func badCredentialsStopTheWorkerWithAClearError() async throws {
            let flow = try await FlowHarness(auth: true)
            defer { Task { await flow.shutdown() } }
            let credentials = try #require(flow.moto.credentials)
            let glue = try await flow.client.createActivity(name: "GlueRunnerActivity")

            // moto checks signatures: the right key works (its polls hand out a task and its reports are taken)...
            let machine = try await flow.singleTaskMachine("Signed", activityArn: glue)
            let good = try flow.startWorker(glue)
            let sales = try flow.land(SeedStateMachine.salesFile)
            let execution = try await flow.client.startExecution(
                stateMachineArn: machine,
                name: "signed",
                input: #"{"job": "psd", "inputs": {"sales": "\#(sales)"}, "output": "output/signed"}"#
            )
            let finished = try await finishedExecution(flow.client, execution)
            #expect(finished.status == "SUCCEEDED", "\(finished) \(good.stderr)")
            #expect(good.isRunning, "\(good.stderr)")
            good.signal(SIGTERM)
            #expect(await good.wait(seconds: 20) == 0)

            // ...a wrong secret or an unknown key id does not, and says why.
            for (environment, expected) in [
                (["AWS_SECRET_ACCESS_KEY": "not-the-secret"], "InvalidSignatureException"),
                (["AWS_ACCESS_KEY_ID": "AKIAUNKNOWNKEY000000"], "UnrecognizedClientException"),
            ] {
                let worker = try flow.startWorker(glue, environment: environment)
                let status = await worker.wait(seconds: 60)
                #expect(status == 1, "\(worker.stderr)")
                #expect(!worker.endedBySignal)
                let lastLine = worker.stderr.split(separator: "\n").last.map(String.init) ?? ""
                #expect(lastLine.hasPrefix("sluice: error: cannot poll activity \(glue)"), "\(lastLine)")
                #expect(lastLine.contains(expected), "\(lastLine)")
                #expect(!worker.stderr.contains(credentials.secret))
                #expect(!worker.stderr.contains("not-the-secret"))
            }
            await flow.shutdown()
        }

        @Test func anUnknownActivityIsAClearError() async throws {
            let flow = try await FlowHarness()
            defer { Task { await flow.shutdown() } }
            let arn = "arn:aws:states:us-east-1:123456789012:activity:NoSuchActivity"
            let result = try await flow.run(
                ["worker", "--activity-arn", arn, "--jobs", FlowHarness.repositoryJobs, "--state", flow.statePath]
            )
            #expect(result.status == 1, "\(result.stderr)")
            let lastLine = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
            #expect(lastLine.hasPrefix("sluice: error: cannot poll activity \(arn)"), "\(lastLine)")
            #expect(lastLine.contains("ActivityDoesNotExist"), "\(lastLine)")
            await flow.shutdown()
        }

        @Test func anUnreachableEndpointIsAClearError() async throws {
            // A port nothing listens on: bind one, note it, close it.
            let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
            }
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
            }
            let port = Int(UInt16(bigEndian: address.sin_port))
            close(socket)

            let flow = try await FlowHarness()

            defer { Task { await flow.shutdown() } }
            let arn = "arn:aws:states:us-east-1:123456789012:activity:GlueRunnerActivity"
            let result = try await flow.run(
                ["worker", "--activity-arn", arn, "--jobs", FlowHarness.repositoryJobs, "--state", flow.statePath],
                environment: ["AWS_ENDPOINT_URL_SFN": "http://127.0.0.1:\(port)"],
                seconds: 90
            )
            #expect(result.status == 1, "\(result.stderr)")
            let lastLine = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
            #expect(lastLine.hasPrefix("sluice: error: cannot poll activity \(arn)"), "\(lastLine)")
            #expect(lastLine.contains("no answer from http://127.0.0.1:\(port)"), "\(lastLine)")
            await flow.shutdown()
        }

        @Test func malformedInputAndUnknownJobsFailTheirTasksAndTheWorkerGoesOn() async throws {
            let flow = try await FlowHarness()
            defer { Task { await flow.shutdown() } }
            let glue = try await flow.client.createActivity(name: "GlueRunnerActivity")
            let plain = try await flow.singleTaskMachine("Plain", activityArn: glue)
            let prepped = try await flow.singleTaskMachine("Prepped", activityArn: glue, before: "GlueJobName: psd")
            let worker = try flow.startWorker(glue)

            let malformed = try await flow.client.startExecution(stateMachineArn: prepped, name: "malformed")
            let unknown = try await flow.client.startExecution(
                stateMachineArn: plain,
                name: "unknown",
                input: #"{"GlueJobName": "ProcessNothing"}"#
            )
            let wrongInput = try await flow.client.startExecution(
                stateMachineArn: plain,
                name: "wrong-input",
                input: #"{"job": "psd", "inputs": {"marketing": "x.csv"}}"#
            )
            for (execution, fragment) in [
                (malformed, "malformed task input: not JSON"), (unknown, #"unknown job "ProcessNothing""#),
                (wrongInput, #"job psd has no input "marketing"; its inputs: sales"#),
            ] {
                let finished = try await finishedExecution(flow.client, execution)
                #expect(unquoted(finished.output) == "fallback", "\(finished)")
                let history = try await flow.client.getExecutionHistory(executionArn: execution)
                let failed = try #require(history.first { $0.type == "ActivityFailed" })
                #expect(failed.error == "GlueJobFailedError")
                let message = try jsonObject(failed.cause)["message"] as? String ?? ""
                #expect(message.contains(fragment), "\(message)")
            }
            // The worker is still serving: a good task still succeeds.
            try flow.land(SeedStateMachine.marketingFile)
            let good = try await flow.client.startExecution(
                stateMachineArn: plain,
                name: "good",
                input: #"{"GlueJobName": "ProcessMarketingData"}"#
            )
            #expect(try await finishedExecution(flow.client, good).status == "SUCCEEDED")
            let states = try flow.runs().map { $0["state"] as? String ?? "?" }
            #expect(
                states == ["FAILED", "FAILED", "FAILED", "SUCCEEDED"]
                    || states.sorted() == ["FAILED", "FAILED", "FAILED", "SUCCEEDED"]
            )
            #expect(worker.isRunning)
            worker.signal(SIGINT)
            #expect(await worker.wait(seconds: 20) == 0)
            await flow.shutdown()
        }

        @Test func notifyWithNothingWaitingSaysSo() async throws {
            let flow = try await FlowHarness(pollSeconds: 1)
            defer { Task { await flow.shutdown() } }
            let arrival = try await flow.client.createActivity(name: "landing-\(SeedStateMachine.salesFile)")
            let path = try flow.land(SeedStateMachine.salesFile)
            let nothing = try await flow.run(["notify", "--activity-arn", arrival, "--file", path])
            #expect(nothing.status == 3)
            #expect(nothing.stderr.contains("no execution is waiting on \(arrival)"))

            let missing = try await flow.run(["notify", "--activity-arn", arrival, "--file", flow.path("nope.csv")])
            #expect(missing.status == 1)
            #expect(
                missing.stderr.contains("sluice: error: \(flow.path("nope.csv")): no such file"),
                "\(missing.stderr)"
            )

            let jobs = try await flow.run(["jobs", "--state", flow.path("absent.sqlite")])
            #expect(jobs.status == 1)
            #expect(jobs.stderr.contains("absent.sqlite: no job state here"))
            await flow.shutdown()
        }
    }
}
