import CSV

/// A job, as declared by a job file in `jobs/`: named inputs, a list of steps, and an output.
///
/// See README.md ("Job files") for the JSON format.
public struct JobDefinition: Sendable, Hashable {
    /// The job's name; also the default output directory name (`output/<name>`).
    public var name: String
    /// Other names the job answers to (the Glue job names of the seed, such as `ProcessSalesData`).
    public var aliases: [String]
    /// One line on what the job does.
    public var description: String
    /// The inputs, in declaration order. Steps start from the first one.
    public var inputs: [JobInput]
    /// The steps, applied in order.
    public var steps: [JobStep]
    /// How the result is written.
    public var output: JobOutput
    /// The job file this definition was read from, if any.
    public var sourcePath: String?

    /// Creates a definition.
    public init(
        name: String,
        aliases: [String] = [],
        description: String = "",
        inputs: [JobInput],
        steps: [JobStep],
        output: JobOutput = JobOutput(),
        sourcePath: String? = nil
    ) {
        self.name = name
        self.aliases = aliases
        self.description = description
        self.inputs = inputs
        self.steps = steps
        self.output = output
        self.sourcePath = sourcePath
    }
}

/// A named input of a job: a CSV file or a Parquet file or dataset directory.
public struct JobInput: Sendable, Hashable {
    /// The file formats an input can have.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case csv
        case parquet
    }

    /// The input's name, as used by `--input NAME=PATH` and by `join` steps.
    public var name: String
    /// The file format.
    public var format: Format
    /// The path used when the run does not name one; relative to the working directory. It may use `${name}`
    /// parameters (see ``JobPathTemplate``), filled by ``JobDefinition/fillingParameters(for:)``.
    public var defaultPath: String
    /// For CSV: the columns read and their types, in any order; other columns of the file are skipped.
    /// `nil` means every column, with types inferred from a sample of rows.
    public var columns: [CSVColumn]?
    /// For CSV: the dialect and the handling of bad rows.
    public var csvOptions: CSVOptions

    /// Creates an input.
    public init(
        name: String,
        format: Format,
        defaultPath: String,
        columns: [CSVColumn]? = nil,
        csvOptions: CSVOptions = CSVOptions()
    ) {
        self.name = name
        self.format = format
        self.defaultPath = defaultPath
        self.columns = columns
        self.csvOptions = csvOptions
    }
}

/// One step of a job.
public enum JobStep: Sendable, Hashable {
    /// Keep the rows that match.
    case filter(Filter)
    /// Select and rename columns.
    case project(Projection)
    /// Rename some columns, keeping all columns in place.
    case rename([String: String])
    /// Group by key columns and aggregate; `phase` splits the aggregation into partial runs and a final one
    /// (see ``AggregatePhase``).
    case aggregate(groupBy: [String], aggregates: [Aggregate], phase: AggregatePhase = .complete)
    /// Sort by keys.
    case sort([SortKey])
    /// Inner sort-merge join of the current rows with another input on key columns.
    case join(input: String, on: [String])
    /// One SQL query over the current rows, which it names as the table `input` (run by
    /// ``JobRunner/sqlSteps``).
    case sql(String)
}

/// How a job writes its result.
public struct JobOutput: Sendable, Hashable {
    /// The output file formats.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case parquet
        case csv
    }

    /// The Parquet compression codecs a job can use.
    public enum Codec: String, Sendable, Hashable, CaseIterable {
        case snappy
        case gzip
        case zstd
        case none
    }

    /// The file format; Parquet unless said otherwise.
    public var format: Format
    /// The Parquet codec; Snappy unless said otherwise.
    public var codec: Codec
    /// The most rows in one part file; a larger result is written as `part-00000`, `part-00001`, ….
    public var rowsPerPart: Int
    /// The output dataset used when the run does not name one (it may use `${name}` parameters); `nil` means
    /// `<output root>/<job name>`.
    public var path: String?

    /// Creates an output description.
    public init(
        format: Format = .parquet,
        codec: Codec = .snappy,
        rowsPerPart: Int = 10_000_000,
        path: String? = nil
    ) {
        self.format = format
        self.codec = codec
        self.rowsPerPart = rowsPerPart
        self.path = path
    }
}
