import AWS
import Foundation
import Logging
import StepFunctions
import TestSupport

/// The test-only launcher `Fixtures/moto_sfn_launcher.py` running on a free loopback port: moto's Step Functions
/// interpreter with GetActivityTask, an activity store and heartbeats. Bounded: it stops itself after `ttl`
/// seconds or when this test process goes away; ``stop()`` kills it at once.
final class MotoServer: Sendable {
    let process: ChildProcess
    let port: Int
    /// With `auth`, the key of an IAM user moto accepts (moto then checks every signature).
    let credentials: (keyId: String, secret: String)?
    let directory: URL

    var endpoint: String { "http://127.0.0.1:\(port)" }
    /// With `alsoOn`, the same server on that address (for workers in network namespaces).
    let otherEndpoint: String?

    static let launcher = Fixtures.url("moto_sfn_launcher.py")

    /// Starts the launcher. `pollSeconds` is how long an empty GetActivityTask is held (60 s on AWS).
    init(pollSeconds: Double = 2, ttl: Double = 300, auth: Bool = false, alsoOn: String? = nil) async throws {
        directory = try Paths.temporaryDirectory("sluice-moto")
        process = try ChildProcess(
            Python.executable,
            [Self.launcher.path, "--port", "0", "--ttl", "\(ttl)", "--poll-seconds", "\(pollSeconds)"]
                + (alsoOn.map { ["--also-on", $0] } ?? []),
            environment: auth ? ["INITIAL_NO_AUTH_ACTION_COUNT": "0"] : [:],
            removing: auth ? [] : ["INITIAL_NO_AUTH_ACTION_COUNT"],
            logDirectory: directory
        )
        var port: Int?
        var otherPort: Int?
        var credentials: (String, String)?
        let deadline = Date().addingTimeInterval(60)
        while port == nil, Date() < deadline, process.isRunning {
            for line in process.stdout.split(separator: "\n") {
                let words = line.split(separator: " ").map(String.init)
                if words.first == "READY", words.count == 2 { port = Int(words[1]) }
                if words.first == "ALSO", words.count == 2 { otherPort = Int(words[1]) }
                if words.first == "CREDENTIALS", words.count == 3 { credentials = (words[1], words[2]) }
            }
            if port == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        guard let port else {
            await process.stop()
            throw LauncherFailure(stderr: process.stderr)
        }
        self.port = port
        self.otherEndpoint = alsoOn.flatMap { host in otherPort.map { "http://\(host):\($0)" } }
        self.credentials = credentials.map { (keyId: $0.0, secret: $0.1) }
    }

    struct LauncherFailure: Error, CustomStringConvertible {
        var stderr: String
        var description: String { "the moto launcher did not start: \(stderr)" }
    }

    /// Environment variables that point the AWS client at this server.
    func environment(keyId: String? = nil, secret: String? = nil) -> [String: String] {
        [
            "AWS_ENDPOINT_URL_SFN": endpoint,
            "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": keyId ?? credentials?.keyId ?? "testing",
            "AWS_SECRET_ACCESS_KEY": secret ?? credentials?.secret ?? "testing",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": "/nonexistent/config",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
        ]
    }

    /// Variables a test process must not inherit.
    static let removedVariables = ["AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION"]

    /// A client for this server (one attempt per call, short timeouts).
    func client(retry: RetryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(100))) -> StepFunctionsClient
    {
        var variables = ProcessInfo.processInfo.environment.merging(environment()) { $1 }
        for name in Self.removedVariables { variables.removeValue(forKey: name) }
        var logger = Logger(label: "test.sfn") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        return try! StepFunctionsClient(
            environment: AWSEnvironment(variables: variables),
            retryPolicy: retry,
            logger: logger
        )
    }

    func stop() async {
        await process.stop()
    }
}

/// The seed's state machine, `MarketingAndSalesETLOrchestrator`, with its activities created on a server.
struct SeedStateMachine {
    static let bucket = "sluice-landing"
    static let salesFile = "SalesPipeline_QuickSightSample.csv"
    static let marketingFile = "MarketingData_QuickSightSample.csv"

    var glueRunnerArn: String
    var salesArn: String
    var marketingArn: String
    var stateMachineArn: String
    /// The activity ARN prefix of the data-arrival activities (`…:activity:<bucket>`).
    var arrivalPrefix: String

    static var definitionTemplate: String {
        try! String(contentsOf: Fixtures.url("MarketingAndSalesETLOrchestrator.asl.json"), encoding: .utf8)
    }

    /// Creates the three activities and the state machine, substituting ARNs and job names as the seed's
    /// CloudFormation template does.
    static func create(
        on client: StepFunctionsClient,
        name: String = "MarketingAndSalesETLOrchestrator"
    ) async throws
        -> SeedStateMachine
    {
        let glue = try await client.createActivity(name: "GlueRunnerActivity")
        let sales = try await client.createActivity(name: "\(bucket)-\(salesFile)")
        let marketing = try await client.createActivity(name: "\(bucket)-\(marketingFile)")
        var definition = definitionTemplate
        for (key, value) in [
            "GlueRunnerActivityArn": glue, "WaitForSalesDataActivityArn": sales,
            "WaitForMarketingDataActivityArn": marketing, "ProcessSalesDataGlueJobName": "ProcessSalesData",
            "ProcessMarketingDataGlueJobName": "ProcessMarketingData",
            "JoinMarketingAndSalesDataJobName": "JoinMarketingAndSalesData",
        ] {
            definition = definition.replacingOccurrences(of: "${\(key)}", with: value)
        }
        let machine = try await client.createStateMachine(
            name: name,
            definition: definition,
            roleArn: "arn:aws:iam::123456789012:role/StateExecutionRole"
        )
        return SeedStateMachine(
            glueRunnerArn: glue,
            salesArn: sales,
            marketingArn: marketing,
            stateMachineArn: machine,
            arrivalPrefix: String(sales.dropLast(salesFile.count + 1))
        )
    }
}

/// Waits for an execution to finish (up to `seconds`) and returns its description.
func finishedExecution(
    _ client: StepFunctionsClient,
    _ arn: String,
    seconds: Double = 120
) async throws
    -> ExecutionDescription
{
    let deadline = Date().addingTimeInterval(seconds)
    while true {
        let description = try await client.describeExecution(executionArn: arn)
        if description.isFinished || Date() > deadline { return description }
        try await Task.sleep(for: .milliseconds(200))
    }
}

/// Files of `Tests/RunnerTests/Fixtures` and the built `sluice` binary.
enum Fixtures {
    static func url(_ name: String) -> URL {
        Paths.packageRoot.appendingPathComponent("Tests/RunnerTests/Fixtures").appendingPathComponent(name)
    }

    /// The `sluice` executable built beside this test bundle (build with `SLUICE_ONLY=Runner,sluice`), or
    /// `$SLUICE_BINARY`.
    static var sluice: String {
        if let path = ProcessInfo.processInfo.environment["SLUICE_BINARY"], !path.isEmpty { return path }
        return Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("sluice").path
    }
}
