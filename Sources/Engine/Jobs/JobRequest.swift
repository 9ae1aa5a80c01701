/// What one run of a job uses: input paths, output location and format, limits, and the values of the job file's
/// `${name}` path parameters.
public struct JobRequest: Sendable, Hashable {
    /// Input paths by input name; an input not named here uses its job file's default path.
    public var inputs: [String: String]
    /// The output dataset directory; `nil` means `<output root>/<job name>`.
    public var output: String?
    /// Overrides the job file's output format.
    public var format: JobOutput.Format?
    /// Overrides the job file's Parquet codec.
    public var codec: JobOutput.Codec?
    /// The memory the blocking operators (sort, join) may hold before they spill to disk, in bytes.
    public var memoryLimit: Int?
    /// Values of the job file's `${name}` path parameters (`--param NAME=VALUE`, task-input keys); they take
    /// precedence over the environment.
    public var parameters: [String: String]
    /// The environment parameters fall back to; `nil` means the process's environment.
    public var environment: [String: String]?

    /// Creates a request.
    public init(
        inputs: [String: String] = [:],
        output: String? = nil,
        format: JobOutput.Format? = nil,
        codec: JobOutput.Codec? = nil,
        memoryLimit: Int? = nil,
        parameters: [String: String] = [:],
        environment: [String: String]? = nil
    ) {
        self.inputs = inputs
        self.output = output
        self.format = format
        self.codec = codec
        self.memoryLimit = memoryLimit
        self.parameters = parameters
        self.environment = environment
    }
}
