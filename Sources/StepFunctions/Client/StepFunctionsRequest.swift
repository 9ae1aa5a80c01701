import Foundation

/// The JSON bodies the client sends, one `Encodable` struct per request shape. Optional members are left out of
/// the body when `nil`, as the API expects.
enum StepFunctionsRequest {
    /// `GetActivityTask`.
    struct GetActivityTask: Encodable {
        var activityArn: String
        var workerName: String
    }

    /// `SendTaskSuccess`.
    struct SendTaskSuccess: Encodable {
        var taskToken: String
        var output: String
    }

    /// `SendTaskFailure`.
    struct SendTaskFailure: Encodable {
        var taskToken: String
        var error: String
        var cause: String
    }

    /// `SendTaskHeartbeat`.
    struct SendTaskHeartbeat: Encodable {
        var taskToken: String
    }

    /// `CreateActivity`.
    struct CreateActivity: Encodable {
        var name: String
    }

    /// `DeleteActivity` and `DescribeActivity`.
    struct Activity: Encodable {
        var activityArn: String
    }

    /// `ListActivities` and `ListStateMachines`: one page.
    struct Page: Encodable {
        var maxResults: Int
        var nextToken: String?
    }

    /// `CreateStateMachine`.
    struct CreateStateMachine: Encodable {
        var name: String
        var definition: String
        var roleArn: String
        var type: String
    }

    /// `DescribeStateMachine`.
    struct StateMachine: Encodable {
        var stateMachineArn: String
    }

    /// `UpdateStateMachine`.
    struct UpdateStateMachine: Encodable {
        var stateMachineArn: String
        var definition: String?
        var roleArn: String?
    }

    /// `ListExecutions`: one page.
    struct ListExecutions: Encodable {
        var stateMachineArn: String
        var maxResults: Int
        var nextToken: String?
    }

    /// `StartExecution`.
    struct StartExecution: Encodable {
        var stateMachineArn: String
        var input: String
        var name: String?
    }

    /// `DescribeExecution`.
    struct Execution: Encodable {
        var executionArn: String
    }

    /// `GetExecutionHistory`: one page.
    struct GetExecutionHistory: Encodable {
        var executionArn: String
        var maxResults: Int
        var nextToken: String?
    }

    /// `StopExecution`.
    struct StopExecution: Encodable {
        var executionArn: String
        var error: String?
        var cause: String?
    }
}
