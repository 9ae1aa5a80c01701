import ArgumentParser
import Foundation
import Logging
import Runner

/// `sluice watch`: reports each CSV file that finishes arriving in a directory.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Complete <prefix>-<file name> each time a .csv file finishes arriving in a directory.",
        discussion: """
            The directory is scanned every --interval seconds. A file has finished arriving when its size and \
            modification time are unchanged across two scans, or at first sight when it was last modified more \
            than one interval ago (a file renamed into place). Each arrival is reported once, with the output of \
            `sluice notify`, to the activity <prefix>-<file name>, waiting until an execution asks for it. With the \
            seed's naming, the prefix is the activity ARN up to the bucket name: \
            arn:aws:states:<region>:<account>:activity:<bucket>. SIGTERM or SIGINT stops the watch once the polls in \
            flight have returned (a poll is never abandoned while it may hold a task).

            \(stepFunctionsEnvironmentHelp)
            """
    )

    @Argument(help: "The directory to watch.")
    var directory: String

    @Option(name: .customLong("activity-prefix"), help: "The activity ARN prefix; <prefix>-<file name> is completed.")
    var activityPrefix: String

    @Option(help: "Seconds between scans.")
    var interval: Double = 1

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        guard activityPrefix.hasPrefix("arn:"), activityPrefix.contains(":activity:") else {
            throw ValidationError("--activity-prefix must be an activity ARN prefix (arn:…:activity:<bucket>)")
        }
        guard interval > 0 else { throw ValidationError("--interval must be more than 0 seconds") }
    }

    func run() async throws {
        do {
            try await execute()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw fail(error)
        }
    }

    private func execute() async throws {
        let logger = try options.makeLogger(label: "sluice.watch", defaultLevel: .info)
        let client = try makeStepFunctionsClient(logger: logger)
        let watcher = DirectoryWatcher(
            directory: URL(fileURLWithPath: directory),
            activityPrefix: activityPrefix,
            interval: duration(seconds: interval),
            notifier: ArrivalNotifier(service: client, logger: logger),
            logger: logger
        )
        try await runUntilSignalled(watcher, client: client, logger: logger)
    }
}
