import Columnar

/// An operator could not do its work: a missing column, a type it does not support, an overflow, an I/O failure
/// while spilling. The message names the operator and the column involved.
public struct OperatorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The operator that failed (`filter`, `select`, `group-by`, `sort`, `external sort`, `join`).
    public var operation: String
    /// What went wrong, naming the column or file involved.
    public var message: String

    /// Creates an error.
    public init(_ operation: String, _ message: String) {
        self.operation = operation
        self.message = message
    }

    public var description: String { "\(operation): \(message)" }
}

extension Schema {
    /// The index of column `name`, or an error naming the operation and the available columns.
    func requireIndex(of name: String, for operation: String) throws(OperatorError) -> Int {
        guard let index = index(of: name) else {
            throw OperatorError(operation, "no column named \"\(name)\" (columns: \(names.joined(separator: ", ")))")
        }
        return index
    }
}
