import ArgumentParser
import Foundation
import Runner

/// `sluice jobs`: lists the worker's runs from its job-state database.
struct Jobs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the worker's job runs recorded in its SQLite job state.",
        discussion: """
            One line per run, oldest first: run id, state (RUNNING, SUCCEEDED or FAILED), job, start time, \
            duration, rows read / written / rejected, attempts (more than 1 when a restarted worker re-ran it) and \
            the error. --json prints every column of every run as JSON lines instead.
            """
    )

    @Option(help: "The job-state SQLite database (the worker's --state).")
    var state: String = "output/sluice.sqlite"

    @Flag(help: "Print one JSON object per run instead of a table.")
    var json = false

    func run() async throws {
        guard FileManager.default.fileExists(atPath: state) else {
            throw fail(ValidationError("\(state): no job state here (`sluice worker --state PATH` creates it)"))
        }
        let runs: [JobRun]
        do { runs = try JobStateStore(path: state).runs() } catch { throw fail(error) }
        if json {
            for run in runs { print(RunListing.json(run)) }
        } else {
            print(RunListing.table(runs), terminator: "")
        }
    }
}
