import ArgumentParser

/// The process entry point: tunes the allocator before any thread starts, then runs ``Sluice``.
@main
enum SluiceMain {
    static func main() async {
        AllocatorTuning.apply()
        await Sluice.main()
    }
}

/// The `sluice` command: runs the ETL jobs of `jobs/` and the Step Functions activity worker.
struct Sluice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "An embedded ETL engine: CSV and Parquet in, typed Parquet out, driven by job files.",
        discussion: """
            Jobs are JSON files in ./jobs (see README.md, "Job files"). Outputs are dataset directories \
            (part-00000.parquet and a _SUCCESS marker) under ./output, replaced atomically on each run.

            Examples:
              sluice pipeline
              sluice run psd --input sales=big.csv
              sluice cat output/jmsd --limit 5
              sluice schema samples/SalesPipeline_QuickSightSample.csv

            Exit status: 0 on success, 1 when a job or command fails (one line on stderr), \
            64 for a usage error.
            """,
        version: SluiceVersion.current,
        subcommands: Self.allSubcommands
    )
}

/// The version printed by `--version` and written into Parquet files.
enum SluiceVersion {
    static let current = "0.1.0"
}
