import Foundation
import StepFunctions
import TestSupport
import Testing

extension MotoIntegrationTests {
    /// The fan-out flow with its two workers on hosts of their own: network namespaces made by the test, joined
    /// by veth pairs to a bridge where moto also serves. One host's link goes down for 30 s; its worker recovers
    /// without a restart and nothing is lost. Runs where the machine allows namespaces (root); the other fan-out
    /// tests run the workers as separate processes on 127.0.0.1.
    @Suite(
        .tags(.pythonPeers),
        .needsPythonPeers,
        .enabled(if: NetworkNamespaces.available, "needs root for ip netns; FanOutMotoTests covers processes")
    )
    struct FanOutHostsTests {
        @Test func aWorkerWhoseLinkIsDownForThirtySecondsRecoversWithoutARestartAndLosesNothing() async throws {
            let net = try NetworkNamespaces(hosts: 2)
            let flow: FlowHarness
            do {
                flow = try await FlowHarness(alsoOn: net.serviceAddress)
            } catch {
                net.remove()
                throw error
            }
            do {
                try await Self.scenario(flow, net)
            } catch {
                await flow.shutdown()
                net.remove()
                throw error
            }
            // Stopped here, not in a detached task: the namespaces go only once their workers have exited.
            await flow.shutdown()
            net.remove()
        }

        static func scenario(_ flow: FlowHarness, _ net: NetworkNamespaces) async throws {
            let endpoint = try #require(flow.moto.otherEndpoint, "moto did not serve on \(net.serviceAddress)")
            let fanOut = try await FanOutFlow(flow, partitions: 8, copies: 4, maxConcurrency: 2, heartbeatSeconds: 5)
            let workers = try (0..<2).map {
                try fanOut.startWorker(
                    $0,
                    s3Endpoint: endpoint,
                    stepFunctionsEndpoint: endpoint,
                    prefix: net.prefix($0)
                )
            }
            let expected = try fanOut.singleProcessPSD()

            // Host 0 is cut off as the Map starts: host 1 does the work, and a task host 0's dead poll took times
            // out and is retried.
            let first = try await fanOut.startExecution("hosts-1")
            try net.setLink(0, up: false)
            try await Task.sleep(for: .seconds(30))
            try net.setLink(0, up: true)
            let problem = try await fanOut.problem(first, seconds: 240)
            #expect(
                problem == nil,
                "\(problem ?? "") \(workers.map(\.stderr).joined(separator: "\n---\n").suffix(4000))"
            )
            #expect(workers[0].isRunning && workers[1].isRunning, "a worker exited")
            // (A link down drops packets without an answer: host 0's long poll may simply wait the cut out, its
            // TCP connection resuming when the link comes back, so there need be no error to log.)
            var figures = try fanOut.outputs(comparedWith: expected)
            #expect(figures["equal"] as? Bool == true, "\(figures)")
            #expect(figures["committed"] as? [String] == fanOut.expectedPartitions, "\(figures)")
            #expect(figures["unclean"] as? [String] == [], "\(figures)")

            // Back on the network, host 0's worker takes tasks again without having been restarted. Its poll sent
            // into the cut resumes only at TCP's next retransmission (or its own deadline), up to a minute later.
            let before = try fanOut.runs(0).count
            let deadline = Date().addingTimeInterval(150)
            var rounds = 0
            repeat {
                rounds += 1
                let again = try await fanOut.problem(try await fanOut.startExecution("hosts-2-\(rounds)"), seconds: 240)
                #expect(again == nil, "\(again ?? "")")
            } while try fanOut.runs(0).count == before && Date() < deadline
            #expect(try fanOut.runs(0).count > before, "host 0's worker took no task after the link came back")
            #expect(workers[0].isRunning)
            figures = try fanOut.outputs(comparedWith: expected)
            #expect(figures["equal"] as? Bool == true, "\(figures)")
            #expect(figures["uploads"] as? Int == 0, "\(figures)")
        }
    }
}
