import ArgumentParser
import Foundation
import StepFunctions

/// `sluice deploy create-activities`: the flow's activities through the API, idempotently.
struct DeployCreateActivities: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-activities",
        abstract: "Create the flow's Step Functions activities (those that exist already are left as they are).",
        discussion: """
            Creates GlueRunnerActivity, <bucket>-SalesPipeline_QuickSightSample.csv and \
            <bucket>-MarketingData_QuickSightSample.csv (and AthenaRunnerActivity with --athena), as the seed's \
            step-functions-resources stack does. Prints one line per activity: "created" or "found" (it existed \
            already and is unchanged), its name and its ARN. Running it again changes nothing.

            Examples:
              sluice deploy create-activities --bucket my-bucket
              sluice deploy create-activities --bucket my-bucket --athena

            \(stepFunctionsEnvironmentHelp)
            """
    )

    @OptionGroup var names: DeployNames

    @Flag(help: "Also create the Athena runner's activity.")
    var athena = false

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        do {
            let logger = try options.makeLogger(label: "sluice.deploy")
            try await withStepFunctionsClient(logger: logger) { client in
                var existing = try await client.activitiesByName()
                for activity in names.activities(athena: athena) {
                    if let arn = existing[activity.name] {
                        print("found activity \(activity.name) \(arn)")
                    } else {
                        let arn = try await client.createActivity(name: activity.name)
                        existing[activity.name] = arn
                        print("created activity \(activity.name) \(arn)")
                    }
                }
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw fail(error)
        }
    }
}
