import ArgumentParser
import Foundation
import StepFunctions

/// `sluice deploy status`: the flow's state machine, its activities and its last executions.
struct DeployStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the flow's state machine, its activities and its last executions.",
        discussion: """
            Prints the state machine (status, ARN, role, creation time), each activity of the flow with its ARN \
            or "missing", and the last --limit executions, newest first, with their status and times. Exits with \
            status 1 when the state machine or an activity is missing (after printing what is there).

            Examples:
              sluice deploy status --bucket my-bucket
              sluice deploy status --bucket my-bucket --limit 20

            \(stepFunctionsEnvironmentHelp)
            """
    )

    @OptionGroup var names: DeployNames

    @Option(help: "The state machine's name.")
    var name: String = DeployDefinitions.orchestratorName

    @Option(help: "How many of the last executions to show.")
    var limit: Int = 5

    @Flag(help: "Also show the Athena runner's activity.")
    var athena = false

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        guard (1...1000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000") }
    }

    func run() async throws {
        do {
            let logger = try options.makeLogger(label: "sluice.deploy")
            let missing = try await withStepFunctionsClient(logger: logger) { client in
                try await report(client: client)
            }
            guard missing.isEmpty else {
                throw DeployError(
                    subject: "not deployed",
                    message: missing.joined(separator: ", ")
                        + " (see `sluice deploy create-activities` and `sluice deploy create-state-machine`)"
                )
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw fail(error)
        }
    }

    /// Prints the report; returns what is missing.
    private func report(client: StepFunctionsClient) async throws -> [String] {
        var missing: [String] = []
        let machine = try await client.listStateMachines().first { $0.name == name }
        if let machine {
            let description = try await client.describeStateMachine(stateMachineArn: machine.stateMachineArn)
            print(
                "state machine \(name): \(description.status) \(description.stateMachineArn) role "
                    + "\(description.roleArn) created \(Self.time(description.creationDate))"
            )
        } else {
            print("state machine \(name): missing")
            missing.append("state machine \(name)")
        }
        let activities = try await client.activitiesByName()
        for activity in names.activities(athena: athena) {
            if let arn = activities[activity.name] {
                print("activity \(activity.name): \(arn)")
            } else {
                print("activity \(activity.name): missing")
                missing.append("activity \(activity.name)")
            }
        }
        if let machine {
            let executions = try await client.listExecutions(stateMachineArn: machine.stateMachineArn, limit: limit)
            print("executions of \(name), newest first: \(executions.isEmpty ? "none" : String(executions.count))")
            for execution in executions {
                let stopped = execution.stopDate.map { " stopped \(Self.time($0))" } ?? ""
                print("  \(execution.name) \(execution.status) started \(Self.time(execution.startDate))\(stopped)")
            }
        }
        return missing
    }

    static func time(_ date: Date?) -> String {
        guard let date else { return "-" }
        return date.formatted(.iso8601)
    }
}
