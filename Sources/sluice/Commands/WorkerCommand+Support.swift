import ArgumentParser
import Foundation
import Logging
import StepFunctions

/// The help text shared by the commands that call Step Functions.
let stepFunctionsEnvironmentHelp = """
    Credentials come from the standard chain: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, the \
    shared files (~/.aws/credentials, ~/.aws/config, AWS_PROFILE), container credentials, then IMDSv2. The region \
    comes from AWS_REGION, AWS_DEFAULT_REGION or the config file; AWS_ENDPOINT_URL_SFN or AWS_ENDPOINT_URL \
    overrides the endpoint (e.g. a local interpreter).
    """

/// A Step Functions client configured from the environment.
func makeStepFunctionsClient(logger: Logger) throws -> StepFunctionsClient {
    try StepFunctionsClient(environment: AWSEnvironment(), logger: logger)
}

/// Seconds given on the command line as a `Duration`.
func duration(seconds: Double) -> Duration {
    .milliseconds(Int64((seconds * 1000).rounded()))
}
