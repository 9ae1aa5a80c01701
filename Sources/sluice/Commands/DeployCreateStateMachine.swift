import ArgumentParser
import Foundation
import StepFunctions

/// `sluice deploy create-state-machine`: a state machine through the API, created or brought up to date.
struct DeployCreateStateMachine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-state-machine",
        abstract: "Create the seed's state machine, or update it when its definition or role differs.",
        discussion: """
            The definition is --definition FILE, or without it the built-in definition of --name (the seed's \
            MarketingAndSalesETLOrchestrator or AthenaRunnerTestETLOrchestrator, or the fan-out flow \
            MarketingAndSalesFanOutETLOrchestrator, as `sluice deploy template` embeds them). Its ${...} placeholders are filled as the seed's template fills them: \
            ${GlueRunnerActivityArn}, ${WaitForSalesDataActivityArn}, ${WaitForMarketingDataActivityArn} and \
            ${AthenaRunnerActivityArn} with the ARNs of the existing activities (run create-activities first), \
            the Glue job names (${ProcessSalesDataGlueJobName}: ProcessSalesData, …), and for the Athena test \
            ${GlueDatabaseName}, ${GlueTableName}, ${AthenaResultOutputLocation} (s3://<bucket>/athena-runner-output/) \
            and ${AthenaResultEncryptionOption} (SSE_S3). For the fan-out flow \
            (jobs/flows/MarketingAndSalesFanOutETLOrchestrator.asl.json): ${SourceDataBucketName} (--bucket), \
            ${SalesPartitionsPrefix} (sales/), ${MaxConcurrency} (40: workers × --concurrency), \
            ${HeartbeatSeconds} (60) and ${TaskTimeoutSeconds} (3600). --set NAME=VALUE fills or overrides any \
            placeholder. A placeholder left unfilled is an error. The fan-out flow's role needs s3:ListBucket on \
            the bucket (its ItemReader) and states:StartExecution, DescribeExecution and StopExecution on itself \
            and its executions (the Map's child executions), as `sluice deploy template --fan-out` grants them.

            Prints "created", "updated" (with what changed) or "found" (the same definition, compared as JSON, \
            and the same role: nothing is changed), the name and the ARN. Running it again changes nothing.

            Examples:
              sluice deploy create-state-machine --bucket my-bucket --role-arn arn:aws:iam::123456789012:role/StateExecutionRole
              sluice deploy create-state-machine --bucket my-bucket --role-arn … --definition my-flow.asl.json --name MyFlow
              sluice deploy create-state-machine --bucket my-bucket --role-arn … --name MarketingAndSalesFanOutETLOrchestrator \\
                --set MaxConcurrency=200

            \(stepFunctionsEnvironmentHelp)
            """
    )

    @OptionGroup var names: DeployNames

    @Option(help: "The state machine's name.")
    var name: String = DeployDefinitions.orchestratorName

    @Option(help: "An Amazon States Language file (default: the built-in definition of --name).")
    var definition: String?

    @Option(name: .customLong("role-arn"), help: "The IAM role executions run as (activities need no permission).")
    var roleArn: String

    @Option(help: "${GlueDatabaseName} of the Athena test definition.")
    var database: String = DeployDefinitions.databaseName

    @Option(help: "${GlueTableName} of the Athena test definition.")
    var table: String = DeployDefinitions.marketingTableName

    @Option(
        name: .customLong("set"),
        parsing: .singleValue,
        help: ArgumentHelp("A placeholder's value, as NAME=VALUE (repeatable).", valueName: "name=value")
    )
    var assignments: [String] = []

    @OptionGroup var options: GlobalOptions

    /// The `--set` values by placeholder name.
    func placeholderValues() throws -> [String: String] {
        var values: [String: String] = [:]
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw ValidationError("--set must be NAME=VALUE, got \"\(assignment)\"")
            }
            values[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
        }
        return values
    }

    func validate() throws {
        _ = try placeholderValues()
        guard roleArn.hasPrefix("arn:"), roleArn.contains(":role/") else {
            throw ValidationError("--role-arn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
        }
        guard (1...80).contains(name.count) else { throw ValidationError("--name must have 1 to 80 characters") }
        if definition == nil, DeployDefinitions.builtIn(named: name) == nil {
            throw ValidationError(
                "there is no built-in definition of \"\(name)\": give --definition FILE (built in: "
                    + "\(DeployDefinitions.orchestratorName), \(DeployDefinitions.athenaTestName), "
                    + "\(DeployDefinitions.fanOutName))"
            )
        }
    }

    func run() async throws {
        do {
            let logger = try options.makeLogger(label: "sluice.deploy")
            let (template, source) = try loadDefinition()
            try await withStepFunctionsClient(logger: logger) { client in
                let text = try await resolve(template, source: source, client: client)
                try await apply(text, client: client)
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw fail(error)
        }
    }

    /// The definition's text and what to call it in errors.
    private func loadDefinition() throws -> (String, String) {
        guard let definition else {
            return (DeployDefinitions.builtIn(named: name) ?? "", "the built-in definition of \(name)")
        }
        do {
            return (try String(contentsOfFile: definition, encoding: .utf8), definition)
        } catch {
            let reason =
                FileManager.default.fileExists(atPath: definition) ? "not readable as UTF-8 text" : "no such file"
            throw DeployError(subject: definition, message: reason)
        }
    }

    /// The definition with its placeholders filled.
    private func resolve(_ template: String, source: String, client: StepFunctionsClient) async throws -> String {
        var values: [String: String] = [:]
        for (key, job) in DeployDefinitions.jobNames { values[key] = job }
        values["GlueDatabaseName"] = database
        values["GlueTableName"] = table
        values["AthenaResultOutputLocation"] = "s3://\(names.bucket)/athena-runner-output/"
        values["AthenaResultEncryptionOption"] = "SSE_S3"
        for (key, value) in DeployDefinitions.fanOutDefaults { values[key] = value }
        values["SourceDataBucketName"] = names.bucket
        values.merge(try placeholderValues()) { $1 }
        let wanted = names.activities(athena: true).filter { template.contains("${\($0.placeholder)}") }
        if !wanted.isEmpty {
            let existing = try await client.activitiesByName()
            var missing: [String] = []
            for activity in wanted {
                if let arn = existing[activity.name] {
                    values[activity.placeholder] = arn
                } else {
                    missing.append(activity.name)
                }
            }
            guard missing.isEmpty else {
                throw DeployError(
                    subject: name,
                    message: "no activity \(missing.joined(separator: ", ")): run `sluice deploy create-activities "
                        + "--bucket \(names.bucket)\(wanted.contains { $0.placeholder == "AthenaRunnerActivityArn" } ? " --athena" : "")` first"
                )
            }
        }
        let (text, unfilled) = DeployDefinitions.substitute(template, values)
        guard unfilled.isEmpty else {
            throw DeployError(
                subject: source,
                message: "no value for " + unfilled.map { "${\($0)}" }.joined(separator: ", ")
            )
        }
        do {
            _ = try JSONSerialization.jsonObject(with: Data(text.utf8))
        } catch {
            throw DeployError(
                subject: source,
                message: "not a JSON state machine definition: \(error.localizedDescription)"
            )
        }
        return text
    }

    /// Creates the state machine, updates it, or finds it as wanted.
    private func apply(_ text: String, client: StepFunctionsClient) async throws {
        guard let listed = try await client.listStateMachines().first(where: { $0.name == name }) else {
            let arn = try await client.createStateMachine(name: name, definition: text, roleArn: roleArn)
            print("created state machine \(name) \(arn)")
            return
        }
        let current = try await client.describeStateMachine(stateMachineArn: listed.stateMachineArn)
        var changes: [String] = []
        if !Self.sameJSON(current.definition, text) { changes.append("definition") }
        if current.roleArn != roleArn { changes.append("role") }
        guard !changes.isEmpty else {
            print("found state machine \(name) \(listed.stateMachineArn) (unchanged)")
            return
        }
        try await client.updateStateMachine(
            stateMachineArn: listed.stateMachineArn,
            definition: changes.contains("definition") ? text : nil,
            roleArn: changes.contains("role") ? roleArn : nil
        )
        print("updated state machine \(name) \(listed.stateMachineArn) (\(changes.joined(separator: " and ")) changed)")
    }

    /// Whether two JSON texts hold the same value (whitespace and key order aside).
    static func sameJSON(_ a: String, _ b: String) -> Bool {
        func canonical(_ text: String) -> Data? {
            guard let value = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else { return nil }
            return try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
        }
        guard let left = canonical(a), let right = canonical(b) else { return a == b }
        return left == right
    }
}
