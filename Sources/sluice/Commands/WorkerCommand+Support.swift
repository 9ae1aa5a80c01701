import AWS
import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
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

/// Runs `service` until it ends or SIGTERM/SIGINT shuts it down gracefully, then shuts `client` down; rethrows the
/// service's error, if any.
func runUntilSignalled(_ service: some Service, client: StepFunctionsClient, logger: Logger) async throws {
    let group = ServiceGroup(
        configuration: ServiceGroupConfiguration(
            services: [.init(service: service)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
    )
    var failure: (any Error)?
    do { try await group.run() } catch { failure = error }
    try? await client.shutdown()
    if let failure { throw failure }
}
