import Foundation
import GRDB

/// A failed operation on the job-state database or its lock file: the file, what was being done, and why (SQLite's
/// own message and result code when SQLite failed, else the system's or the store's).
public struct JobStateStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The database or lock file.
    public var path: String
    /// What was being done, e.g. `open`, `update run jr_…` or `lock`.
    public var operation: String
    /// Why it failed, e.g. `file is not a database (SQLite error 26)` or `no such run`.
    public var message: String

    /// Creates an error.
    public init(path: String, operation: String, message: String) {
        self.path = path
        self.operation = operation
        self.message = message
    }

    /// E.g. `output/sluice.sqlite: open: file is not a database (SQLite error 26)`.
    public var description: String { "\(path): \(operation): \(message)" }

    /// `error`, thrown while doing `operation` on `path`, as a store error (itself when it already is one).
    static func wrapping(_ error: any Error, path: String, operation: String) -> JobStateStoreError {
        switch error {
        case let error as JobStateStoreError:
            return error
        case let error as DatabaseError:
            let message = error.message ?? "\(error.resultCode)"
            return JobStateStoreError(
                path: path,
                operation: operation,
                message: "\(message) (SQLite error \(error.extendedResultCode.rawValue))"
            )
        default:
            return JobStateStoreError(path: path, operation: operation, message: "\(error)")
        }
    }
}
