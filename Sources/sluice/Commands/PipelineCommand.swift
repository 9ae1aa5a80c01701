import ArgumentParser
import Engine
import Foundation
import SQL

extension Sluice {
    /// `sluice pipeline`: the seed's flow.
    struct Pipeline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the seed's flow: psd and pmd concurrently, then jmsd.",
            discussion: """
                Writes ROOT/psd, ROOT/pmd and ROOT/jmsd (ROOT defaults to output) and prints one line per job \
                with rows read, written and rejected and the time taken. jmsd reads the psd and pmd outputs of \
                this run. If a job fails, later jobs do not run and earlier outputs stay as they were. ROOT and \
                the inputs may be s3:// locations.

                \(s3EnvironmentHelp)

                Examples:
                  sluice pipeline
                  sluice pipeline --output /tmp/etl --codec gzip
                  sluice pipeline --input sales=/data/sales.csv --input marketing=/data/marketing.csv
                  sluice pipeline --input sales=s3://my-bucket/sales/ --input marketing=s3://my-bucket/marketing/ \\
                    --output s3://my-bucket/output
                """
        )

        @Option(name: .long, help: ArgumentHelp("The output root: a directory or s3:// prefix.", valueName: "root"))
        var output: String = "output"

        @Option(
            name: .customLong("input"),
            parsing: .singleValue,
            help: ArgumentHelp(
                "An input path for any job of the flow, as NAME=PATH (repeatable).",
                valueName: "name=path"
            )
        )
        var inputs: [String] = []

        @OptionGroup var options: JobCommandOptions
        @OptionGroup var metrics: MetricsOptions
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            _ = try parseInputAssignments(inputs)
            _ = try options.parameters()
        }

        func run() async throws {
            let inputs = try parseInputAssignments(self.inputs)
            let logger = try global.makeLogger(label: "sluice.pipeline")
            let progress = ProgressDisplay()
            let metricsFile = metrics.bootstrap()
            defer { metricsFile?.write(logger: logger) }
            let started = Date()
            do {
                _ = try await withObjectStore(logger: logger) { store in
                    let runner = JobRunner(
                        catalog: try options.catalog(),
                        store: store,
                        sqlSteps: SQLJobStep(),
                        logger: logger
                    )
                    let request = JobRequest(
                        inputs: inputs,
                        format: options.format,
                        codec: options.codec,
                        memoryLimit: options.memoryLimit?.bytes,
                        parameters: try options.parameters()
                    )
                    return try await Engine.Pipeline.seed.run(
                        with: runner,
                        outputRoot: output,
                        request: request,
                        progress: progress.update,
                        onReport: { report in
                            progress.finish()
                            print(report.summaryLine)
                        }
                    )
                }
                progress.finish()
                print("pipeline: succeeded in " + String(format: "%.3f", Date().timeIntervalSince(started)) + " s")
            } catch {
                progress.finish()
                throw fail(error)
            }
        }
    }
}
