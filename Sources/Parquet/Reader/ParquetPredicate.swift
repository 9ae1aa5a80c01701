import Columnar

/// A simple condition on one column, `column op literal`, that lets the reader skip row groups whose statistics
/// prove that no row can match.
///
/// Pruning is conservative: a row group is skipped only when its min/max statistics or null count rule out
/// every row. Rows of the row groups that are read are not filtered; apply the condition to them as usual.
public struct ParquetPredicate: Sendable, Hashable, CustomStringConvertible {
    /// The comparison.
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        /// The column is null (the literal is ignored).
        case isNull = "is null"
        /// The column is not null (the literal is ignored).
        case isNotNull = "is not null"
    }

    /// The column name.
    public var column: String
    /// The comparison.
    public var op: Operator
    /// The literal compared with: `.int`, `.uint`, `.double`, `.float`, `.string`, `.bytes`, `.boolean`, `.date`
    /// or `.timestamp` (of the column's unit).
    public var value: Value

    /// Creates `column op value`.
    public init(_ column: String, _ op: Operator, _ value: Value = .null) {
        self.column = column
        self.op = op
        self.value = value
    }

    public var description: String {
        op == .isNull || op == .isNotNull ? "\(column) \(op.rawValue)" : "\(column) \(op.rawValue) \(value)"
    }
}
