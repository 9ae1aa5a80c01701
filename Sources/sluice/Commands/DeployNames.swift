import ArgumentParser
import Foundation
import Logging
import StepFunctions

/// The options that name the flow's parts in AWS, shared by the `sluice deploy` commands that call the API.
struct DeployNames: ParsableArguments {
    @Option(help: "The data bucket (SourceDataBucketName): its arrival activities are <bucket>-<file name>.")
    var bucket: String

    @Option(name: .customLong("glue-runner-activity-name"), help: "The activity sluice worker polls.")
    var glueRunnerActivityName: String = DeployDefinitions.glueRunnerActivityName

    @Option(name: .customLong("athena-runner-activity-name"), help: "The Athena runner's activity (with --athena).")
    var athenaRunnerActivityName: String = DeployDefinitions.athenaRunnerActivityName

    func validate() throws {
        try Self.validateBucket(bucket)
        for name in [glueRunnerActivityName, athenaRunnerActivityName] {
            try Self.validateActivityName(name)
        }
        for file in [DeployDefinitions.salesFile, DeployDefinitions.marketingFile] {
            try Self.validateActivityName(DeployDefinitions.arrivalActivityName(bucket: bucket, file: file))
        }
    }

    /// The activities of the flow, by the `Fn::Sub` placeholder of their ARN in the definitions.
    func activities(athena: Bool) -> [(placeholder: String, name: String)] {
        var list = [
            ("GlueRunnerActivityArn", glueRunnerActivityName),
            (
                "WaitForSalesDataActivityArn",
                DeployDefinitions.arrivalActivityName(bucket: bucket, file: DeployDefinitions.salesFile)
            ),
            (
                "WaitForMarketingDataActivityArn",
                DeployDefinitions.arrivalActivityName(bucket: bucket, file: DeployDefinitions.marketingFile)
            ),
        ]
        if athena { list.append(("AthenaRunnerActivityArn", athenaRunnerActivityName)) }
        return list.map { (placeholder: $0.0, name: $0.1) }
    }

    /// An S3 bucket name's rules (3 to 63 lower-case letters, digits, dots and hyphens).
    static func validateBucket(_ bucket: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-")
        guard (3...63).contains(bucket.count), bucket.allSatisfy(allowed.contains),
            bucket.first?.isLetter == true || bucket.first?.isNumber == true,
            bucket.last?.isLetter == true || bucket.last?.isNumber == true
        else {
            throw ValidationError(
                "--bucket \"\(bucket)\" is not an S3 bucket name (3 to 63 lower-case letters, digits, dots and "
                    + "hyphens, beginning and ending with a letter or digit)"
            )
        }
    }

    /// Step Functions' rules for activity names: 1 to 80 characters, none of whitespace, `<>{}[]?*"#%\^|~`$&,;:/`.
    static func validateActivityName(_ name: String) throws {
        let forbidden = Set(" <>{}[]?*\"#%\\^|~`$&,;:/")
        guard (1...80).contains(name.count), !name.contains(where: { forbidden.contains($0) || $0.isWhitespace })
        else {
            throw ValidationError(
                "\"\(name)\" is not a valid activity name (1 to 80 characters, no whitespace or <>{}[]?*\"#%\\^|~`$&,;:/)"
            )
        }
    }
}

extension StepFunctionsClient {
    /// Every activity, by name.
    func activitiesByName() async throws -> [String: String] {
        var byName: [String: String] = [:]
        for activity in try await listActivities() { byName[activity.name] = activity.activityArn }
        return byName
    }
}

/// Runs `body` with a Step Functions client from the environment and shuts the client down after.
func withStepFunctionsClient<T>(
    logger: Logger,
    _ body: (StepFunctionsClient) async throws -> T
) async throws -> T {
    let client = try makeStepFunctionsClient(logger: logger)
    do {
        let result = try await body(client)
        try? await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}
