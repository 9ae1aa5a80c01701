/// A constant of a bound expression.
public enum SQLValue: Sendable, Hashable {
    case null
    case boolean(Bool)
    case bigint(Int64)
    case double(Double)
    case varchar(String)
    /// Days since 1970-01-01.
    case date(Int32)
    /// Microseconds since 1970-01-01T00:00:00.
    case timestamp(Int64)
}

/// A scalar function the evaluator knows, after overload resolution.
public enum SQLScalarFunction: String, Sendable, Hashable {
    case lower, upper, trim, ltrim, rtrim, length, substr, replace, concat
    case coalesce, nullif, abs, round, floor, ceil
    case year, quarter, month, day
    case dayOfWeek = "day_of_week"
    case dayOfYear = "day_of_year"
    case week
    case hour, minute, second
    case dateTrunc = "date_trunc"
    case addDays = "add_days"
    case addMonths = "add_months"
    case addMicroseconds = "add_microseconds"
}

/// An expression resolved against its input: columns are positions in the input batch, every node has a type.
public indirect enum BoundExpression: Sendable, Hashable, CustomStringConvertible {
    /// Column `index` of the input.
    case column(Int, SQLType, name: String)
    case constant(SQLValue, SQLType)
    /// `+ - * / %` over two numbers of `type` (both operands already of that type).
    case arithmetic(SQLBinaryOperator, BoundExpression, BoundExpression, SQLType)
    case negate(BoundExpression)
    /// `= <> < <= > >=`, both operands of one type.
    case compare(SQLBinaryOperator, BoundExpression, BoundExpression)
    case and(BoundExpression, BoundExpression)
    case or(BoundExpression, BoundExpression)
    case not(BoundExpression)
    case isNull(BoundExpression, negated: Bool)
    /// `x IN (constants)`, the constants of `x`'s type.
    case inList(BoundExpression, [SQLValue], negated: Bool)
    case like(BoundExpression, pattern: String, negated: Bool)
    /// Searched `CASE`: the first branch whose condition is true.
    case caseWhen([BoundCaseBranch], otherwise: BoundExpression?, SQLType)
    case cast(BoundExpression, SQLType)
    case function(SQLScalarFunction, [BoundExpression], SQLType)

    /// The type of the value.
    public var type: SQLType {
        switch self {
        case .column(_, let type, _), .constant(_, let type), .arithmetic(_, _, _, let type),
            .caseWhen(_, _, let type), .cast(_, let type), .function(_, _, let type):
            type
        case .negate(let operand): operand.type
        case .compare, .and, .or, .not, .isNull, .inList, .like: .boolean
        }
    }

    /// The expression in SQL-like text, for `EXPLAIN`.
    public var description: String {
        switch self {
        case .column(_, _, let name): name
        case .constant(let value, _): value.sqlText
        case .arithmetic(let op, let left, let right, _): "(\(left) \(op.rawValue) \(right))"
        case .negate(let operand): "(-\(operand))"
        case .compare(let op, let left, let right): "(\(left) \(op.rawValue) \(right))"
        case .and(let left, let right): "(\(left) AND \(right))"
        case .or(let left, let right): "(\(left) OR \(right))"
        case .not(let operand): "(NOT \(operand))"
        case .isNull(let operand, let negated): "(\(operand) IS \(negated ? "NOT " : "")NULL)"
        case .inList(let operand, let values, let negated):
            "(\(operand) \(negated ? "NOT " : "")IN (\(values.map(\.sqlText).joined(separator: ", "))))"
        case .like(let operand, let pattern, let negated):
            "(\(operand) \(negated ? "NOT " : "")LIKE \(SQLValue.varchar(pattern).sqlText))"
        case .caseWhen(let branches, let otherwise, _):
            "CASE"
                + branches.map { " WHEN \($0.condition) THEN \($0.result)" }.joined()
                + (otherwise.map { " ELSE \($0)" } ?? "") + " END"
        case .cast(let operand, let type): "CAST(\(operand) AS \(type))"
        case .function(let function, let arguments, _):
            "\(function.rawValue)(\(arguments.map(\.description).joined(separator: ", ")))"
        }
    }

    /// The input columns the expression reads.
    var columns: Set<Int> {
        switch self {
        case .column(let index, _, _): [index]
        case .constant: []
        case .arithmetic(_, let left, let right, _), .compare(_, let left, let right), .and(let left, let right),
            .or(let left, let right):
            left.columns.union(right.columns)
        case .negate(let operand), .not(let operand), .isNull(let operand, _), .inList(let operand, _, _),
            .like(let operand, _, _), .cast(let operand, _):
            operand.columns
        case .caseWhen(let branches, let otherwise, _):
            branches.reduce(otherwise?.columns ?? []) { $0.union($1.condition.columns).union($1.result.columns) }
        case .function(_, let arguments, _): arguments.reduce([]) { $0.union($1.columns) }
        }
    }

    /// The same expression reading column `map[i]` where it read column `i`.
    func remapped(_ map: [Int: Int]) -> BoundExpression {
        switch self {
        case .column(let index, let type, let name): .column(map[index] ?? index, type, name: name)
        case .constant: self
        case .arithmetic(let op, let left, let right, let type):
            .arithmetic(op, left.remapped(map), right.remapped(map), type)
        case .negate(let operand): .negate(operand.remapped(map))
        case .compare(let op, let left, let right): .compare(op, left.remapped(map), right.remapped(map))
        case .and(let left, let right): .and(left.remapped(map), right.remapped(map))
        case .or(let left, let right): .or(left.remapped(map), right.remapped(map))
        case .not(let operand): .not(operand.remapped(map))
        case .isNull(let operand, let negated): .isNull(operand.remapped(map), negated: negated)
        case .inList(let operand, let values, let negated): .inList(operand.remapped(map), values, negated: negated)
        case .like(let operand, let pattern, let negated):
            .like(operand.remapped(map), pattern: pattern, negated: negated)
        case .caseWhen(let branches, let otherwise, let type):
            .caseWhen(
                branches.map {
                    BoundCaseBranch(condition: $0.condition.remapped(map), result: $0.result.remapped(map))
                },
                otherwise: otherwise?.remapped(map),
                type
            )
        case .cast(let operand, let type): .cast(operand.remapped(map), type)
        case .function(let function, let arguments, let type):
            .function(function, arguments.map { $0.remapped(map) }, type)
        }
    }
}

/// One `WHEN condition THEN result` of a bound `CASE`.
public struct BoundCaseBranch: Sendable, Hashable {
    public var condition: BoundExpression
    public var result: BoundExpression
}

extension SQLValue {
    /// The value as a SQL literal.
    public var sqlText: String {
        switch self {
        case .null: "NULL"
        case .boolean(let value): value ? "TRUE" : "FALSE"
        case .bigint(let value): String(value)
        case .double(let value): String(value)
        case .varchar(let text): "'\(SQLName.doubling("'", in: text))'"
        case .date(let days): "DATE '\(SQLDates.text(days: days))'"
        case .timestamp(let micros): "TIMESTAMP '\(SQLDates.text(micros: micros))'"
        }
    }
}
