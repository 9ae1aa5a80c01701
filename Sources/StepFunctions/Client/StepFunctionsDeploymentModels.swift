import Foundation

/// A state machine as `DescribeStateMachine` describes it.
public struct StateMachineDescription: Sendable, Hashable {
    /// The state machine's ARN.
    public var stateMachineArn: String
    /// Its name.
    public var name: String
    /// `ACTIVE` or `DELETING`.
    public var status: String
    /// The Amazon States Language definition, as JSON text.
    public var definition: String
    /// The IAM role executions run as.
    public var roleArn: String
    /// `STANDARD` or `EXPRESS`.
    public var type: String
    /// When it was created, if the service said.
    public var creationDate: Date?

    /// Creates a description.
    public init(
        stateMachineArn: String,
        name: String,
        status: String,
        definition: String,
        roleArn: String,
        type: String = "STANDARD",
        creationDate: Date? = nil
    ) {
        self.stateMachineArn = stateMachineArn
        self.name = name
        self.status = status
        self.definition = definition
        self.roleArn = roleArn
        self.type = type
        self.creationDate = creationDate
    }
}

/// A state machine as `ListStateMachines` lists it.
public struct StateMachineListItem: Sendable, Hashable {
    /// The state machine's ARN.
    public var stateMachineArn: String
    /// Its name.
    public var name: String
    /// `STANDARD` or `EXPRESS`.
    public var type: String
    /// When it was created, if the service said.
    public var creationDate: Date?

    /// Creates an item.
    public init(stateMachineArn: String, name: String, type: String = "STANDARD", creationDate: Date? = nil) {
        self.stateMachineArn = stateMachineArn
        self.name = name
        self.type = type
        self.creationDate = creationDate
    }
}

/// An execution as `ListExecutions` lists it (newest first).
public struct ExecutionListItem: Sendable, Hashable {
    /// The execution's ARN.
    public var executionArn: String
    /// Its name.
    public var name: String
    /// `RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED` or `PENDING_REDRIVE`.
    public var status: String
    /// When it started.
    public var startDate: Date?
    /// When it stopped, once it has.
    public var stopDate: Date?

    /// Creates an item.
    public init(executionArn: String, name: String, status: String, startDate: Date? = nil, stopDate: Date? = nil) {
        self.executionArn = executionArn
        self.name = name
        self.status = status
        self.startDate = startDate
        self.stopDate = stopDate
    }
}
