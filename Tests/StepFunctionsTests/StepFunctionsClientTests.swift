import Foundation
import Logging
import TestSupport
import Testing

@testable import AWS
@testable import StepFunctions

/// The client against a scripted server on 127.0.0.1: wire format, signing headers, retries and errors.
@Suite(.tags(.pythonPeers), .needsPythonPeers) struct StepFunctionsClientTests {
    static let credentials = AWSCredentials(
        accessKeyId: "AKIDTEST",
        secretAccessKey: "SECRET/KEY+never-shown",
        sessionToken: "SESSION-TOKEN-never-shown"
    )
    static let fastRetries = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(5), maxDelay: .milliseconds(20))

    static func withClient<T>(
        endpoint: String,
        retryPolicy: RetryPolicy = fastRetries,
        requestTimeout: Duration = .seconds(10),
        pollTimeout: Duration = .seconds(70),
        logger: Logger = Logger(label: "test"),
        _ body: (StepFunctionsClient) async throws -> T
    ) async throws -> T {
        let configuration = StepFunctionsClient.Configuration(
            region: "eu-west-1",
            endpoint: URL(string: endpoint)!,
            retryPolicy: retryPolicy,
            pollTimeout: pollTimeout,
            requestTimeout: requestTimeout,
            connectTimeout: .seconds(2)
        )
        let client = StepFunctionsClient(
            configuration: configuration,
            credentialProvider: StaticCredentialProvider(credentials),
            logger: logger
        )
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try await client.shutdown()
            throw error
        }
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func clientConfigurationFromEnvironment() throws {
        let home = try Paths.temporaryDirectory("sfn-home").path
        let environment = AWSEnvironment(
            variables: ["AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL_SFN": "http://127.0.0.1:9"],
            homeDirectory: home
        )
        let configuration = try StepFunctionsClient.Configuration.resolve(environment: environment)
        #expect(configuration.region == "eu-west-1")
        #expect(configuration.endpoint.absoluteString == "http://127.0.0.1:9")
        #expect(configuration.pollTimeout >= .seconds(70))
        let noRegion = AWSEnvironment(variables: [:], homeDirectory: home)
        let error = #expect(throws: CredentialProviderError.self) {
            try StepFunctionsClient.Configuration.resolve(environment: noRegion)
        }
        #expect(error?.message.hasPrefix("no AWS region: set AWS_REGION") == true)
    }

    @Test func getActivityTaskSendsASignedJSONRequest() async throws {
        let server = try await ScriptedServer.start(routes: [
            "POST /": [.init(status: 200, body: #"{"taskToken": "tok-1", "input": "{\"a\": 1}"}"#)]
        ])
        defer { server.stop() }
        let task = try await Self.withClient(endpoint: server.baseURL) {
            try await $0.getActivityTask(activityArn: "arn:aws:states:eu-west-1:1:activity:x", workerName: "w1")
        }
        #expect(task == ActivityTask(taskToken: "tok-1", input: #"{"a": 1}"#))
        let requests = try server.requests()
        try #require(requests.count == 1)
        let request = requests[0]
        #expect(request.method == "POST")
        #expect(request.path == "/")
        #expect(request.headers["content-type"] == "application/x-amz-json-1.0")
        #expect(request.headers["x-amz-target"] == "AWSStepFunctions.GetActivityTask")
        #expect(request.headers["host"] == "127.0.0.1:\(server.port)")
        #expect(request.headers["x-amz-security-token"] == Self.credentials.sessionToken)
        let date = try #require(request.headers["x-amz-date"])
        #expect(date.count == 16 && date.hasSuffix("Z"))
        let authorization = try #require(request.headers["authorization"])
        #expect(
            authorization.hasPrefix(
                "AWS4-HMAC-SHA256 Credential=AKIDTEST/\(date.prefix(8))/eu-west-1/states/aws4_request, "
                    + "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature="
            )
        )
        let body = try Self.json(request.body)
        #expect(body["activityArn"] as? String == "arn:aws:states:eu-west-1:1:activity:x")
        #expect(body["workerName"] as? String == "w1")
    }

    @Test func emptyTaskTokenMeansNoTask() async throws {
        let server = try await ScriptedServer.start(routes: [
            "POST /": [.init(status: 200, body: #"{"taskToken": ""}"#)]
        ])
        defer { server.stop() }
        let task = try await Self.withClient(endpoint: server.baseURL) {
            try await $0.getActivityTask(activityArn: "arn:x", workerName: "w")
        }
        #expect(task == nil)
    }

    @Test func serviceUnavailableIsRetried() async throws {
        let server = try await ScriptedServer.start(routes: [
            "POST /": [
                .init(status: 503, body: ""),
                .init(status: 200, body: #"{"taskToken": "tok-2", "input": "{}"}"#),
            ]
        ])
        defer { server.stop() }
        let task = try await Self.withClient(endpoint: server.baseURL) {
            try await $0.getActivityTask(activityArn: "arn:x", workerName: "w")
        }
        #expect(task?.taskToken == "tok-2")
        #expect(try server.requests().count == 2)
    }

    @Test func throttlingIsRetried() async throws {
        let server = try await ScriptedServer.start(routes: [
            "POST /": [
                .init(status: 400, body: #"{"__type": "ThrottlingException", "message": "Rate exceeded"}"#),
                .init(status: 400, body: #"{"__type": "com.amazonaws.sfn#ThrottlingException", "message": "again"}"#),
                .init(status: 200, body: "{}"),
            ]
        ])
        defer { server.stop() }
        try await Self.withClient(endpoint: server.baseURL) {
            try await $0.sendTaskSuccess(taskToken: "tok", output: #"{"ok": true}"#)
        }
        let requests = try server.requests()
        #expect(requests.count == 3)
        #expect(requests.allSatisfy { $0.headers["x-amz-target"] == "AWSStepFunctions.SendTaskSuccess" })
        let body = try Self.json(requests[2].body)
        #expect(body["taskToken"] as? String == "tok")
        #expect(body["output"] as? String == #"{"ok": true}"#)
    }

    @Test func taskTimedOutIsNotRetried() async throws {
        let server = try await ScriptedServer.start(routes: [
            "POST /": [
                .init(status: 400, body: #"{"__type": "com.amazonaws.sfn#TaskTimedOut", "message": "Task Timed Out"}"#),
                .init(status: 200, body: "{}"),
            ]
        ])
        defer { server.stop() }
        let error = await #expect(throws: StepFunctionsError.self) {
            try await Self.withClient(endpoint: server.baseURL) {
                try await $0.sendTaskHeartbeat(taskToken: "tok")
            }
        }
        #expect(error?.code == .taskTimedOut)
        #expect(error?.httpStatus == 400)
        #expect(error?.attempts == 1)
        #expect(error?.operation == "SendTaskHeartbeat")
        #expect(try server.requests().count == 1)
    }

    @Test func persistentServerErrorsStopAfterTheAttemptLimit() async throws {
        let server = try await ScriptedServer.start(routes: [
            "POST /": [.init(status: 500, body: #"{"__type": "InternalFailure", "message": "boom"}"#)]
        ])
        defer { server.stop() }
        let error = await #expect(throws: StepFunctionsError.self) {
            try await Self.withClient(endpoint: server.baseURL) {
                try await $0.sendTaskSuccess(taskToken: "tok", output: "{}")
            }
        }
        #expect(error?.code == .serviceUnavailable)
        #expect(error?.attempts == 3)
        #expect(try server.requests().count == 3)
    }

    @Test func droppedConnectionIsRetried() async throws {
        let server = try await ScriptedServer.start(routes: [
            "POST /": [.init(status: 0, drop: true), .init(status: 200, body: "{}")]
        ])
        defer { server.stop() }
        try await Self.withClient(endpoint: server.baseURL) {
            try await $0.sendTaskHeartbeat(taskToken: "tok")
        }
        #expect(try server.requests().count == 2)
    }

    @Test func unreachableEndpointFailsClearlyAfterBoundedRetries() async throws {
        let port = try await closedLoopbackPort()
        let error = await #expect(throws: StepFunctionsError.self) {
            try await Self.withClient(endpoint: "http://127.0.0.1:\(port)") {
                try await $0.getActivityTask(activityArn: "arn:x", workerName: "w")
            }
        }
        #expect(error?.code == .network)
        #expect(error?.httpStatus == nil)
        #expect(error?.attempts == 3)
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("GetActivityTask failed: NetworkError"))
        #expect(text.contains("no answer from http://127.0.0.1:\(port): Connection refused"))
        #expect(!text.contains("SECRET") && !text.contains("never-shown"))
    }

    @Test func sendTaskFailureCutsErrorAndCauseToTheLimits() async throws {
        let server = try await ScriptedServer.start(routes: ["POST /": [.init(status: 200, body: "{}")]])
        defer { server.stop() }
        let longError = String(repeating: "e", count: 300)
        let longCause = String(repeating: "ä", count: 40_000)
        try await Self.withClient(endpoint: server.baseURL) {
            try await $0.sendTaskFailure(taskToken: "tok", error: longError, cause: longCause)
        }
        let request = try #require(try server.requests().first)
        #expect(request.headers["x-amz-target"] == "AWSStepFunctions.SendTaskFailure")
        let body = try Self.json(request.body)
        #expect((body["error"] as? String)?.count == 256)
        #expect((body["cause"] as? String)?.count == 32_768)
        #expect((body["cause"] as? String)?.first == "ä")
    }

    @Test func otherOperationsDecodeTheirAnswers() async throws {
        let server = try await ScriptedServer.start(routes: [
            "POST /": [
                .init(
                    status: 200,
                    body: #"{"activityArn": "arn:aws:states:eu-west-1:1:activity:a", "creationDate": 1.7E9}"#
                ),
                .init(
                    status: 200,
                    body: #"{"executionArn": "arn:e", "stateMachineArn": "arn:sm", "name": "n", "status": "FAILED", "#
                        + #""startDate": 1700000000.5, "stopDate": 1700000060, "input": "{}", "error": "GlueJobFailedError", "#
                        + #""cause": "{\"x\":1}"}"#
                ),
                .init(
                    status: 200,
                    body: #"{"events": [{"id": 1, "type": "ExecutionStarted", "timestamp": 1700000000, "#
                        + #""executionStartedEventDetails": {"input": "{}"}}, {"id": 2, "previousEventId": 1, "#
                        + #""type": "ActivityFailed", "activityFailedEventDetails": {"error": "E", "cause": "C"}}]}"#
                ),
            ]
        ])
        defer { server.stop() }
        let (arn, execution, history) = try await Self.withClient(endpoint: server.baseURL) { client in
            let arn = try await client.createActivity(name: "a")
            let execution = try await client.describeExecution(executionArn: "arn:e")
            let history = try await client.getExecutionHistory(executionArn: "arn:e")
            return (arn, execution, history)
        }
        #expect(arn == "arn:aws:states:eu-west-1:1:activity:a")
        #expect(execution.status == "FAILED" && execution.isFinished)
        #expect(execution.error == "GlueJobFailedError")
        #expect(execution.cause == #"{"x":1}"#)
        #expect(execution.startDate == Date(timeIntervalSince1970: 1_700_000_000.5))
        #expect(execution.stopDate == Date(timeIntervalSince1970: 1_700_000_060))
        #expect(history.map(\.type) == ["ExecutionStarted", "ActivityFailed"])
        #expect(history[1].previousEventId == 1)
        #expect(history[1].error == "E" && history[1].cause == "C")
        #expect(history[0].input == "{}")
        let targets = try server.requests().map { $0.headers["x-amz-target"] ?? "" }
        #expect(
            targets == [
                "AWSStepFunctions.CreateActivity", "AWSStepFunctions.DescribeExecution",
                "AWSStepFunctions.GetExecutionHistory",
            ]
        )
    }

    @Test func malformedSuccessAnswerIsAClearError() async throws {
        let server = try await ScriptedServer.start(routes: ["POST /": [.init(status: 200, body: "not json")]])
        defer { server.stop() }
        let error = await #expect(throws: StepFunctionsError.self) {
            try await Self.withClient(endpoint: server.baseURL) {
                try await $0.getActivityTask(activityArn: "arn:x", workerName: "w")
            }
        }
        #expect(error?.code == .other("MalformedResponse"))
        #expect(error?.message == "the answer is not a JSON object: not json")
    }

    @Test func longPollOutlastsTheOrdinaryRequestDeadline() async throws {
        // The poll is answered after 3 s: far past the ordinary 0.5 s deadline, well within the poll's 20 s. The
        // heartbeat is answered only after 60 s, so its 0.5 s deadline fires first even when a loaded machine
        // runs the deadline's timer seconds late.
        let server = try await ScriptedServer.start(routes: [
            "POST /": [
                .init(status: 200, body: #"{"taskToken": "slow", "input": "{}"}"#, delay: 3),
                .init(status: 200, body: "{}", delay: 60),
            ]
        ])
        defer { server.stop() }
        let (task, heartbeatError) = try await Self.withClient(
            endpoint: server.baseURL,
            retryPolicy: .none,
            requestTimeout: .milliseconds(500),
            pollTimeout: .seconds(20)
        ) { client in
            let task = try await client.getActivityTask(activityArn: "arn:x", workerName: "w")
            var heartbeatError: StepFunctionsError?
            do { try await client.sendTaskHeartbeat(taskToken: "slow") } catch let error as StepFunctionsError {
                heartbeatError = error
            }
            return (task, heartbeatError)
        }
        #expect(task?.taskToken == "slow")
        #expect(heartbeatError?.code == .network)
        #expect(heartbeatError?.message.hasSuffix("no response before the deadline") == true)
    }

    @Test func secretsNeverReachLogsOrErrors() async throws {
        let server = try await ScriptedServer.start(routes: [
            "POST /": [
                .init(status: 503, body: ""),
                .init(status: 400, body: #"{"__type": "ThrottlingException", "message": "slow down"}"#),
                .init(status: 400, body: #"{"__type": "InvalidToken", "message": "bad token"}"#),
            ]
        ])
        defer { server.stop() }
        let capture = LogCapture()
        let error = await #expect(throws: StepFunctionsError.self) {
            try await Self.withClient(endpoint: server.baseURL, logger: capture.logger()) {
                try await $0.sendTaskSuccess(taskToken: "tok", output: "{}")
            }
        }
        #expect(error?.code == .invalidToken)
        #expect(error?.attempts == 3)
        let lines = capture.lines
        #expect(lines.contains { $0.contains("retrying Step Functions call") && $0.contains("ThrottlingException") })
        let everything = lines.joined(separator: "\n") + "\(String(describing: error))"
        for secret in [Self.credentials.secretAccessKey, Self.credentials.sessionToken!, "Signature="] {
            #expect(!everything.contains(secret), "leaked \(secret)")
        }
    }

    @Test func clientFromEnvironmentUsesTheOverrideEndpointAndTheChain() async throws {
        // Container credentials and the service on one loopback server; no environment keys, no shared files.
        let server = try await ScriptedServer.start(routes: [
            "GET /creds": [
                .init(
                    status: 200,
                    body: #"{"AccessKeyId": "ASIAFROMCONTAINER", "SecretAccessKey": "s", "Token": "container-token", "#
                        + #""Expiration": "2099-01-01T00:00:00Z"}"#
                )
            ],
            "POST /": [.init(status: 200, body: "{}")],
        ])
        defer { server.stop() }
        let home = try Paths.temporaryDirectory("sfn-home")
        let environment = AWSEnvironment(
            variables: [
                "AWS_REGION": "ap-southeast-2",
                "AWS_ENDPOINT_URL_SFN": server.baseURL,
                "AWS_ENDPOINT_URL": "http://127.0.0.1:1",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/creds",
                "AWS_EC2_METADATA_DISABLED": "true",
            ],
            homeDirectory: home.path
        )
        let client = try StepFunctionsClient(environment: environment, logger: Logger(label: "test"))
        #expect(client.configuration.region == "ap-southeast-2")
        try await client.sendTaskHeartbeat(taskToken: "tok")
        try await client.sendTaskHeartbeat(taskToken: "tok")
        try await client.shutdown()
        let requests = try server.requests()
        // The credentials are fetched once and cached until near their expiry.
        #expect(requests.map { "\($0.method) \($0.path)" } == ["GET /creds", "POST /", "POST /"])
        let authorization = requests[1].headers["authorization"] ?? ""
        #expect(authorization.contains("Credential=ASIAFROMCONTAINER/"))
        #expect(authorization.contains("/ap-southeast-2/states/aws4_request"))
        #expect(requests[1].headers["x-amz-security-token"] == "container-token")
    }

    @Test func oversizedOutputIsRefusedBeforeSending() async throws {
        let server = try await ScriptedServer.start(routes: ["POST /": [.init(status: 200, body: "{}")]])
        defer { server.stop() }
        let output = "\"" + String(repeating: "x", count: 262_144) + "\""
        let error = await #expect(throws: StepFunctionsError.self) {
            try await Self.withClient(endpoint: server.baseURL) {
                try await $0.sendTaskSuccess(taskToken: "tok", output: output)
            }
        }
        #expect(error?.code == .invalidOutput)
        #expect(error?.message == "the output is 262146 bytes; Step Functions accepts at most 262144")
        #expect(try server.requests().isEmpty)
    }
}
