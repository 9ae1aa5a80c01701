import Logging

/// Runs a job's `sql` steps (`{"sql": "SELECT … FROM input"}`).
///
/// Engine has no SQL of its own: the `SQL` module, which sits above Engine, implements this protocol, and whoever
/// builds a ``JobRunner`` (the CLI) hands one over as ``JobRunner/sqlSteps``.
public protocol SQLStepRunning: Sendable {
    /// The rows of `statement`, one query, over `input`: the statement names the step's current rows as the table
    /// `input`. The result's columns are named as the query names them.
    ///
    /// - Parameters:
    ///   - memoryBudget: The bytes the query's sorts and joins may hold before they spill.
    ///   - spillDirectory: Where they spill.
    /// - Throws: An error whose description says what is wrong: a syntax error with its line, column and caret,
    ///   an unknown column with the closest known one, a type error naming both types.
    func rows(
        of statement: String,
        input: any BatchStream,
        memoryBudget: Int,
        logger: Logger
    ) throws -> any BatchStream
}
