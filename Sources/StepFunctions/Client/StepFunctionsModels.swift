import Foundation

/// A task handed out by `GetActivityTask`.
public struct ActivityTask: Sendable, Hashable {
    /// The token that identifies the task in `SendTask*` calls. Opaque and long (up to 1,024 characters).
    public var taskToken: String
    /// The task's input: the JSON text of the state's input.
    public var input: String

    /// Creates a task.
    public init(taskToken: String, input: String) {
        self.taskToken = taskToken
        self.input = input
    }
}

/// An activity as listed or created.
public struct ActivityDescription: Sendable, Hashable {
    /// The activity's ARN.
    public var activityArn: String
    /// The activity's name.
    public var name: String
    /// When it was created, if the service said.
    public var creationDate: Date?

    /// Creates a description.
    public init(activityArn: String, name: String, creationDate: Date? = nil) {
        self.activityArn = activityArn
        self.name = name
        self.creationDate = creationDate
    }
}

/// The state of an execution, from `DescribeExecution`.
public struct ExecutionDescription: Sendable, Hashable {
    /// The execution's ARN.
    public var executionArn: String
    /// The state machine's ARN.
    public var stateMachineArn: String
    /// The execution's name.
    public var name: String
    /// `RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED` or `PENDING_REDRIVE`.
    public var status: String
    /// When it started.
    public var startDate: Date?
    /// When it stopped, once it has.
    public var stopDate: Date?
    /// The execution's input JSON.
    public var input: String?
    /// The execution's output JSON, once it succeeded.
    public var output: String?
    /// The error name, once it failed.
    public var error: String?
    /// The failure cause, once it failed.
    public var cause: String?

    /// Creates a description.
    public init(
        executionArn: String,
        stateMachineArn: String,
        name: String,
        status: String,
        startDate: Date? = nil,
        stopDate: Date? = nil,
        input: String? = nil,
        output: String? = nil,
        error: String? = nil,
        cause: String? = nil
    ) {
        self.executionArn = executionArn
        self.stateMachineArn = stateMachineArn
        self.name = name
        self.status = status
        self.startDate = startDate
        self.stopDate = stopDate
        self.input = input
        self.output = output
        self.error = error
        self.cause = cause
    }

    /// Whether the execution has stopped (any status but `RUNNING` and `PENDING_REDRIVE`).
    public var isFinished: Bool { status != "RUNNING" && status != "PENDING_REDRIVE" }
}

/// One event of an execution's history, from `GetExecutionHistory`.
public struct HistoryEvent: Sendable, Hashable {
    /// The event's id (1-based, in order).
    public var id: Int
    /// The previous event's id, if any.
    public var previousEventId: Int?
    /// The event type, e.g. `ActivityScheduled`, `ActivitySucceeded`, `TaskStateEntered`, `ExecutionFailed`.
    public var type: String
    /// When it happened.
    public var timestamp: Date?
    /// The event's `...EventDetails` object as JSON text (`{}` when it has none).
    public var detailsJSON: String
    /// `error` from the details, for failure events.
    public var error: String?
    /// `cause` from the details, for failure events.
    public var cause: String?
    /// `name` from the details (the state name for state events).
    public var name: String?
    /// `resource` from the details (the activity ARN for activity events).
    public var resource: String?
    /// `input` from the details.
    public var input: String?
    /// `output` from the details.
    public var output: String?

    /// Creates an event.
    public init(
        id: Int,
        previousEventId: Int? = nil,
        type: String,
        timestamp: Date? = nil,
        detailsJSON: String = "{}",
        error: String? = nil,
        cause: String? = nil,
        name: String? = nil,
        resource: String? = nil,
        input: String? = nil,
        output: String? = nil
    ) {
        self.id = id
        self.previousEventId = previousEventId
        self.type = type
        self.timestamp = timestamp
        self.detailsJSON = detailsJSON
        self.error = error
        self.cause = cause
        self.name = name
        self.resource = resource
        self.input = input
        self.output = output
    }
}
