import StepFunctions

/// A run's commit refused because its task is no longer open: the task timed out (a missed heartbeat) and may
/// already run, or have committed, on another worker.
public struct TaskLostBeforeCommit: Error, Sendable, CustomStringConvertible {
    /// What Step Functions answered the last heartbeat (e.g. `TaskTimedOut: Task Timed Out`).
    public var answer: String

    /// Creates the error.
    public init(answer: String) {
        self.answer = answer
    }

    public var description: String {
        "the task is no longer open (\(answer)), so the output was not committed: another worker may own it now"
    }
}

extension ActivityWorker {
    /// The check a job makes just before its manifest commits its output: one heartbeat. When Step Functions says
    /// the task is gone (`TaskTimedOut`, `TaskDoesNotExist`, `InvalidToken`), the gate throws and the run commits
    /// nothing. Any other failure (the endpoint unreachable, throttled) is no answer, and the commit goes ahead: a
    /// task still open must not lose its output to a network fault, and a re-run commits the same rows anyway.
    static func commitGate(
        service: any ActivityService,
        taskToken: String
    ) -> @Sendable () async throws -> Void {
        {
            do {
                try await service.sendTaskHeartbeat(taskToken: taskToken)
            } catch let error as StepFunctionsError where error.code.isTaskGone {
                throw TaskLostBeforeCommit(answer: "\(error.code): \(error.message)")
            } catch {
                return
            }
        }
    }
}
