/// A `${name}` parameter of a job file's path that has no value: neither given to the run nor in the environment.
public struct JobParameterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The job file (or `job NAME` for a definition not read from a file).
    public var source: String
    /// Where the path is in the job file, such as `inputs.sales.path` or `output.path`.
    public var keyPath: String
    /// The parameter's name.
    public var parameter: String

    /// Creates an error.
    public init(source: String, keyPath: String, parameter: String) {
        self.source = source
        self.keyPath = keyPath
        self.parameter = parameter
    }

    /// E.g. `jobs/psd.json: inputs.sales.path: parameter ${bucket} has no value (give --param bucket=VALUE, …)`.
    public var description: String {
        "\(source): \(keyPath): parameter ${\(parameter)} has no value (give --param \(parameter)=VALUE, "
            + "a task-input key \"\(parameter)\", or set the environment variable \(parameter))"
    }
}
