/// A job that could not be loaded or run: a bad job file, an unknown job or input, or a failure while running.
public struct JobError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, naming the file, job, input or step concerned.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
