import Foundation
import Logging
import StepFunctions

extension ActivityWorker {
    /// Runs a crash left `RUNNING`: re-run when the task still takes a heartbeat, else marked `FAILED`.
    func recover() async throws -> [JobRun] {
        let leftovers: [JobRun]
        do {
            leftovers = try configuration.activities.flatMap { try store.runs(state: .running, activityArn: $0.arn) }
        } catch {
            throw WorkerError(context: "cannot read the job state", underlying: "\(error)")
        }
        var rerun: [JobRun] = []
        for var run in leftovers {
            var logger = self.logger
            logger[metadataKey: "run_id"] = "\(run.runId)"
            logger[metadataKey: "job"] = "\(run.job ?? "?")"
            do {
                try await service.sendTaskHeartbeat(taskToken: run.taskToken)
                run.attempts += 1
                run.startedAt = Date()
                run.heartbeatAt = run.startedAt
                run.workerName = configuration.workerName
                try store.update(run)
                logger.warning(
                    "worker restarted: the task of a run left RUNNING is still open; re-running it",
                    metadata: ["attempt": "\(run.attempts)"]
                )
                rerun.append(run)
            } catch let error as StepFunctionsError where error.code.isTaskGone {
                run.state = .failed
                run.completedAt = Date()
                run.error = "worker restarted: the task is no longer open (\(error.code): \(error.message))"
                do { try store.update(run) } catch {
                    throw WorkerError(context: "cannot record run \(run.runId)", underlying: "\(error)")
                }
                logger.warning("worker restarted: marked a run left RUNNING as FAILED", metadata: ["error": "\(error)"])
            } catch let error as JobStateStoreError {
                throw WorkerError(context: "cannot record run \(run.runId)", underlying: "\(error)")
            } catch {
                throw WorkerError(
                    context: "cannot check the task of run \(run.runId) left RUNNING by a previous worker",
                    underlying: "\(error)"
                )
            }
        }
        return rerun
    }
}
