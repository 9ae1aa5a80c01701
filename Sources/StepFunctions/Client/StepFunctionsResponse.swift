import Foundation

/// The JSON answers the client reads, one `Decodable` struct per answer shape. Members the client can do without
/// are optional; a missing required member is a `MalformedResponse` error naming it.
enum StepFunctionsResponse {
    /// An answer whose content is not used (`SendTask*`, `DeleteActivity`, `StopExecution`, …); still a JSON
    /// object.
    struct Empty: Decodable {
        private enum CodingKeys: CodingKey {}

        init(from decoder: any Decoder) throws {
            _ = try decoder.container(keyedBy: CodingKeys.self)
        }
    }

    /// `GetActivityTask`: an empty or missing `taskToken` means no task came.
    struct GetActivityTask: Decodable {
        var taskToken: String?
        var input: String?
    }

    /// `CreateActivity`.
    struct CreateActivity: Decodable {
        var activityArn: String
    }

    /// `DescribeActivity`.
    struct DescribeActivity: Decodable {
        var activityArn: String?
        var name: String
        var creationDate: ServiceTimestamp?
    }

    /// `ListActivities`: one page.
    struct ListActivities: Decodable {
        struct Item: Decodable {
            var activityArn: String?
            var name: String?
            var creationDate: ServiceTimestamp?
        }

        var activities: [Item]?
        var nextToken: String?
    }

    /// `CreateStateMachine`.
    struct CreateStateMachine: Decodable {
        var stateMachineArn: String
    }

    /// `DescribeStateMachine`.
    struct DescribeStateMachine: Decodable {
        var stateMachineArn: String?
        var name: String
        var status: String?
        var definition: String
        var roleArn: String
        var type: String?
        var creationDate: ServiceTimestamp?
    }

    /// `ListStateMachines`: one page.
    struct ListStateMachines: Decodable {
        struct Item: Decodable {
            var stateMachineArn: String?
            var name: String?
            var type: String?
            var creationDate: ServiceTimestamp?
        }

        var stateMachines: [Item]?
        var nextToken: String?
    }

    /// `ListExecutions`: one page.
    struct ListExecutions: Decodable {
        struct Item: Decodable {
            var executionArn: String?
            var name: String?
            var status: String?
            var startDate: ServiceTimestamp?
            var stopDate: ServiceTimestamp?
        }

        var executions: [Item]?
        var nextToken: String?
    }

    /// `StartExecution`.
    struct StartExecution: Decodable {
        var executionArn: String
    }

    /// `DescribeExecution`.
    struct DescribeExecution: Decodable {
        var executionArn: String?
        var stateMachineArn: String?
        var name: String?
        var status: String
        var startDate: ServiceTimestamp?
        var stopDate: ServiceTimestamp?
        var input: String?
        var output: String?
        var error: String?
        var cause: String?
    }

    /// `GetExecutionHistory`: one page.
    struct GetExecutionHistory: Decodable {
        var events: [HistoryEventBody]?
        var nextToken: String?
    }
}
