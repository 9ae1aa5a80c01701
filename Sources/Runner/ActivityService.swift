import StepFunctions

/// The four Step Functions calls an activity worker makes. ``StepFunctionsClient`` is the real one.
public protocol ActivityService: Sendable {
    /// Long-polls for a task; `nil` when none came.
    func getActivityTask(activityArn: String, workerName: String) async throws -> ActivityTask?
    /// Reports success with a JSON `output`.
    func sendTaskSuccess(taskToken: String, output: String) async throws
    /// Reports failure.
    func sendTaskFailure(taskToken: String, error: String, cause: String) async throws
    /// Reports progress.
    func sendTaskHeartbeat(taskToken: String) async throws
}

extension StepFunctionsClient: ActivityService {}
