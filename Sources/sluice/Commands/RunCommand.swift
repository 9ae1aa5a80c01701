import ArgumentParser
import Engine
import Foundation
import SQL

extension Sluice {
    /// `sluice run JOB`: runs one job.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one job.",
            discussion: """
                JOB is a job name (psd), an alias (ProcessSalesData) or the path of a job file. Inputs default to \
                the paths in the job file, whose ${NAME} parameters are filled from --param NAME=VALUE, else \
                from the environment variable NAME; the output to the job file's output path, else output/JOB. \
                The output is written into a temporary directory (in S3: under run-unique names, committed by its \
                _SUCCESS manifest) and replaces the previous one only when the job succeeds.

                \(s3EnvironmentHelp)

                Examples:
                  sluice run psd
                  sluice run ProcessSalesData --input sales=/data/sales.csv --output /tmp/psd --codec zstd
                  sluice run jmsd --input psd=output/psd --input pmd=output/pmd --format csv
                  sluice run psd --input sales=s3://my-bucket/sales/ --output s3://my-bucket/output/tmp/sales
                  sluice run etl/sales.json --param bucket=my-data-bucket
                """
        )

        @Argument(help: ArgumentHelp("The job: a name, an alias, or a job file path.", valueName: "job"))
        var job: String

        @Option(
            name: .customLong("input"),
            parsing: .singleValue,
            help: ArgumentHelp("An input path, as NAME=PATH (repeatable).", valueName: "name=path")
        )
        var inputs: [String] = []

        @Option(
            name: .long,
            help: ArgumentHelp(
                "The output dataset: a directory or s3:// prefix (default output/JOB).",
                valueName: "dir"
            )
        )
        var output: String?

        @Flag(name: .long, help: "Print the run's report as JSON on stdout instead of a summary line.")
        var json = false

        @OptionGroup var options: JobCommandOptions
        @OptionGroup var metrics: MetricsOptions
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            _ = try parseInputAssignments(inputs)
            _ = try options.parameters()
        }

        func run() async throws {
            let inputs = try parseInputAssignments(inputs)
            let logger = try global.makeLogger(label: "sluice.run")
            let progress = ProgressDisplay()
            let metricsFile = metrics.bootstrap()
            defer { metricsFile?.write(logger: logger) }
            do {
                let report = try await withObjectStore(logger: logger) { store in
                    let runner = JobRunner(
                        catalog: try options.catalog(forJob: job),
                        store: store,
                        sqlSteps: SQLJobStep(),
                        logger: logger
                    )
                    let request = JobRequest(
                        inputs: inputs,
                        output: output,
                        format: options.format,
                        codec: options.codec,
                        memoryLimit: options.memoryLimit?.bytes,
                        parameters: try options.parameters()
                    )
                    return try await runner.run(named: job, request: request, progress: progress.update)
                }
                progress.finish()
                print(json ? try report.jsonText() : report.summaryLine)
            } catch {
                progress.finish()
                throw fail(error)
            }
        }
    }
}

/// Parses `NAME=PATH` items of `--input`.
func parseInputAssignments(_ items: [String]) throws -> [String: String] {
    var result: [String: String] = [:]
    for item in items {
        guard let equals = item.firstIndex(of: "="), equals != item.startIndex,
            item.index(after: equals) != item.endIndex
        else {
            throw ValidationError("--input expects NAME=PATH, got \"\(item)\"")
        }
        result[String(item[..<equals])] = String(item[item.index(after: equals)...])
    }
    return result
}

extension JobReport {
    /// `psd: 20994 rows read, 1802 written, 0 rejected in 0.05 s -> output/psd`
    var summaryLine: String {
        let rejects = rejectsPath.map { " (rejects: \($0))" } ?? ""
        return "\(job): \(rowsRead) rows read, \(rowsWritten) written, \(rowsRejected) rejected in "
            + String(format: "%.3f", seconds) + " s -> \(output)\(rejects)"
    }

    /// The report as one line of JSON.
    func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
