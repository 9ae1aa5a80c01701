import AWS
import Foundation
import Logging
import TestSupport
import Testing

@testable import StepFunctions

/// The client against moto's server (a real, independent implementation of the Step Functions API and of SigV4
/// verification through botocore), started on 127.0.0.1 for each test.
@Suite(.serialized, .tags(.pythonPeers), .needsPythonPeers) struct MotoInteropTests {
    static let definition = """
        {"StartAt": "Wait", "States": {"Wait": {"Type": "Task",
         "Resource": "arn:aws:states:us-east-1:123456789012:activity:sluice-moto", "End": true}}}
        """
    static let roleArn = "arn:aws:iam::123456789012:role/sluice-test"

    static func client(endpoint: String, credentials: AWSCredentials) -> StepFunctionsClient {
        StepFunctionsClient(
            configuration: .init(
                region: "us-east-1",
                endpoint: URL(string: endpoint)!,
                retryPolicy: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10)),
                connectTimeout: .seconds(2)
            ),
            credentialProvider: StaticCredentialProvider(credentials),
            logger: Logger(label: "test")
        )
    }

    @Test func activitiesStateMachinesAndExecutions() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let client = Self.client(
            endpoint: moto.endpoint,
            credentials: AWSCredentials(accessKeyId: "AKIDMOTO", secretAccessKey: "anything")
        )
        do {
            let activityArn = try await client.createActivity(name: "sluice-moto")
            #expect(activityArn == "arn:aws:states:us-east-1:123456789012:activity:sluice-moto")
            let activities = try await client.listActivities()
            #expect(activities.map(\.activityArn) == [activityArn])
            #expect(activities.first?.name == "sluice-moto")
            #expect(activities.first?.creationDate != nil)

            let duplicate = await #expect(throws: StepFunctionsError.self) {
                try await client.createActivity(name: "sluice-moto")
            }
            #expect(duplicate?.code == .other("ActivityAlreadyExists"))
            #expect(duplicate?.httpStatus == 400)

            let machineArn = try await client.createStateMachine(
                name: "sluice-machine",
                definition: Self.definition,
                roleArn: Self.roleArn
            )
            #expect(machineArn == "arn:aws:states:us-east-1:123456789012:stateMachine:sluice-machine")
            let executionArn = try await client.startExecution(
                stateMachineArn: machineArn,
                name: "run-1",
                input: #"{"GlueJobName": "ProcessSalesData"}"#
            )
            #expect(executionArn.hasSuffix(":execution:sluice-machine:run-1"))
            let execution = try await client.describeExecution(executionArn: executionArn)
            #expect(execution.executionArn == executionArn)
            #expect(execution.stateMachineArn == machineArn)
            #expect(execution.name == "run-1")
            #expect(execution.input == #"{"GlueJobName": "ProcessSalesData"}"#)
            #expect(["RUNNING", "SUCCEEDED"].contains(execution.status))
            #expect(execution.startDate != nil)
            _ = try await client.getExecutionHistory(executionArn: executionArn)

            let missing = await #expect(throws: StepFunctionsError.self) {
                try await client.describeExecution(
                    executionArn: "arn:aws:states:us-east-1:123456789012:execution:sluice-machine:nope"
                )
            }
            #expect(missing?.code == .executionDoesNotExist)

            try await client.deleteActivity(activityArn: activityArn)
            #expect(try await client.listActivities().isEmpty)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    /// With `INITIAL_NO_AUTH_ACTION_COUNT=3` moto lets three unauthenticated calls through (here: boto3 creates
    /// an IAM user, its access key and a policy allowing `states:*`) and then verifies every SigV4 signature.
    @Test func signaturesAreVerifiedByMoto() async throws {
        let moto = try await MotoServer.start(environment: ["INITIAL_NO_AUTH_ACTION_COUNT": "3"])
        defer { moto.stop() }
        let endpoint = moto.endpoint
        let output = try await offPool {
            try Python.run(
                """
                import boto3, json, sys
                iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                                   aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
                iam.create_user(UserName="sluice")
                key = iam.create_access_key(UserName="sluice")["AccessKey"]
                iam.put_user_policy(UserName="sluice", PolicyName="states", PolicyDocument=json.dumps(
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "states:*", "Resource": "*"}]}))
                print(key["AccessKeyId"])
                print(key["SecretAccessKey"])
                """,
                [endpoint]
            )
        }
        let keys = output.split(separator: "\n").map(String.init)
        try #require(keys.count == 2)
        let good = AWSCredentials(accessKeyId: keys[0], secretAccessKey: keys[1])

        let client = Self.client(endpoint: moto.endpoint, credentials: good)
        let arn = try await client.createActivity(name: "signed")
        #expect(arn.hasSuffix(":activity:signed"))
        #expect(try await client.listActivities().map(\.name) == ["signed"])
        // The worker's calls pass moto's signature check too (moto accepts any token for them).
        try await client.sendTaskHeartbeat(taskToken: "token-1")
        try await client.sendTaskSuccess(taskToken: "token-1", output: #"{"ok": true}"#)
        try await client.sendTaskFailure(taskToken: "token-2", error: "GlueJobFailedError", cause: "{}")
        try await client.shutdown()

        let wrongSecret = Self.client(
            endpoint: moto.endpoint,
            credentials: AWSCredentials(accessKeyId: keys[0], secretAccessKey: keys[1] + "x")
        )
        let badSignature = await #expect(throws: StepFunctionsError.self) {
            try await wrongSecret.createActivity(name: "rejected")
        }
        try await wrongSecret.shutdown()
        #expect(badSignature?.code == .invalidSignature)
        #expect(badSignature?.httpStatus == 403)
        #expect(badSignature?.attempts == 1)
        #expect(!(badSignature.map { "\($0)" } ?? "").contains(keys[1]))

        let unknownKey = Self.client(
            endpoint: moto.endpoint,
            credentials: AWSCredentials(accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: "whatever")
        )
        let unrecognized = await #expect(throws: StepFunctionsError.self) {
            try await unknownKey.listActivities()
        }
        try await unknownKey.shutdown()
        #expect(unrecognized?.code == .unrecognizedClient)
        #expect(unrecognized?.httpStatus == 403)
    }
}
