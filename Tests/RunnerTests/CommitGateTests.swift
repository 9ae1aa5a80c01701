import Foundation
import StepFunctions
import Synchronization
import Testing

@testable import Runner

/// The worker's commit gate: one heartbeat just before a job commits; only a definitive "the task is gone" stops
/// the commit.
@Suite struct CommitGateTests {
    /// Answers heartbeats with `error` (or accepts them), and counts them.
    final class HeartbeatService: ActivityService {
        let error: StepFunctionsError?
        let heartbeats = Mutex(0)

        init(error: StepFunctionsError?) { self.error = error }

        func getActivityTask(activityArn: String, workerName: String) async throws -> ActivityTask? { nil }
        func sendTaskSuccess(taskToken: String, output: String) async throws {}
        func sendTaskFailure(taskToken: String, error: String, cause: String) async throws {}
        func sendTaskHeartbeat(taskToken: String) async throws {
            heartbeats.withLock { $0 += 1 }
            if let error { throw error }
        }
    }

    static func error(_ code: StepFunctionsError.Code) -> StepFunctionsError {
        StepFunctionsError(code: code, message: "the answer", httpStatus: 400, operation: "SendTaskHeartbeat")
    }

    @Test(arguments: [StepFunctionsError.Code.taskTimedOut, .taskDoesNotExist, .invalidToken])
    func aTaskThatIsGoneRefusesTheCommit(code: StepFunctionsError.Code) async {
        let service = HeartbeatService(error: Self.error(code))
        let gate = ActivityWorker.commitGate(service: service, taskToken: "t1")
        await #expect {
            try await gate()
        } throws: { error in
            guard let lost = error as? TaskLostBeforeCommit else { return false }
            return lost.answer == "\(code): the answer"
                && "\(lost)".hasPrefix(
                    "the task is no longer open (\(code): the answer), so the output was not committed"
                )
        }
        #expect(service.heartbeats.withLock { $0 } == 1)
    }

    @Test(arguments: [nil, StepFunctionsError.Code.network, .throttling, .serviceUnavailable])
    func anOpenTaskOrNoAnswerLetsTheCommitGoAhead(code: StepFunctionsError.Code?) async throws {
        let service = HeartbeatService(error: code.map(Self.error))
        try await ActivityWorker.commitGate(service: service, taskToken: "t1")()
        #expect(service.heartbeats.withLock { $0 } == 1)
    }
}
