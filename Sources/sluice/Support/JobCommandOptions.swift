import ArgumentParser
import Engine
import Foundation

/// Options of the commands that run jobs.
struct JobCommandOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The directory of job files.", valueName: "dir"))
    var jobs: String = "jobs"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The Parquet compression codec: snappy (default), gzip, zstd or none. Overrides the job file.",
            valueName: "codec"
        )
    )
    var codec: JobOutput.Codec?

    @Option(
        name: .long,
        help: ArgumentHelp("The output format: parquet (default) or csv. Overrides the job file.", valueName: "format")
    )
    var format: JobOutput.Format?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Memory the sort and join may hold before spilling sorted runs to disk, e.g. 512MB or 2GB.",
            valueName: "size"
        )
    )
    var memoryLimit: ByteCount?

    @Option(
        name: .customLong("param"),
        parsing: .singleValue,
        help: ArgumentHelp(
            "A value for the job files' ${NAME} path parameters, as NAME=VALUE (repeatable); before the environment.",
            valueName: "name=value"
        )
    )
    var params: [String] = []

    func catalog() throws -> JobCatalog {
        try JobCatalog(directory: jobs)
    }

    /// The catalog for running `reference`: the jobs directory's, or, when `reference` is the path of a job file
    /// and there is no jobs directory (run outside the repository), that one job alone.
    func catalog(forJob reference: String) throws -> JobCatalog {
        var isDirectory: ObjCBool = false
        let hasDirectory =
            FileManager.default.fileExists(atPath: jobs, isDirectory: &isDirectory) && isDirectory.boolValue
        if !hasDirectory, reference.hasSuffix(".json") || reference.contains("/"),
            FileManager.default.fileExists(atPath: reference)
        {
            return JobCatalog(jobs: [try JobDefinition(contentsOf: reference)], directory: jobs)
        }
        return try catalog()
    }

    /// The `--param NAME=VALUE` items by name; a later item for the same name wins.
    func parameters() throws -> [String: String] {
        var result: [String: String] = [:]
        for item in params {
            guard let equals = item.firstIndex(of: "="),
                JobPathTemplate.isValidName(String(item[..<equals]))
            else {
                throw ValidationError(
                    "--param expects NAME=VALUE with NAME made of letters, digits and _ (not starting with a digit), "
                        + "got \"\(item)\""
                )
            }
            result[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        return result
    }
}

extension JobOutput.Codec: ExpressibleByArgument {}
extension JobOutput.Format: ExpressibleByArgument {}

/// A size such as `512MB`, `2GB`, `64KiB` or a plain number of bytes.
struct ByteCount: ExpressibleByArgument {
    var bytes: Int

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [(String, Int)] = [
            ("KIB", 1 << 10), ("MIB", 1 << 20), ("GIB", 1 << 30), ("KB", 1000), ("MB", 1_000_000),
            ("GB", 1_000_000_000), ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("B", 1),
        ]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), value > 0
            else { return nil }
            bytes = Int(value * Double(scale))
            return
        }
        guard let value = Int(text), value > 0 else { return nil }
        bytes = value
    }
}
