extension ArrivalNotifier {
    /// Polls `activityArn` once and completes the task it brings with `output`. Returns `false` when no execution
    /// was waiting (the poll came back empty: up to 60 s on AWS).
    public func complete(activityArn: String, output: String) async throws -> Bool {
        guard let task = try await service.getActivityTask(activityArn: activityArn, workerName: workerName) else {
            return false
        }
        try await service.sendTaskSuccess(taskToken: task.taskToken, output: output)
        return true
    }
}
