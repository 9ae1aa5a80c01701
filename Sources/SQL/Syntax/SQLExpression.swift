/// A scalar expression as written, with where it starts. ``description`` prints it back as SQL with every
/// operation parenthesised, which is how the tests state what a text parses to.
public struct SQLExpression: Sendable, Hashable, CustomStringConvertible {
    /// The kinds of expression.
    public indirect enum Kind: Sendable, Hashable {
        /// A column, qualified or not: `["t", "lead_revenue"]`.
        case column([String])
        /// A literal.
        case literal(SQLLiteral)
        /// `-x`, `+x`, `NOT x`.
        case unary(SQLUnaryOperator, SQLExpression)
        /// `a + b`, `a AND b`, `a = b`, `a || b`, …
        case binary(SQLBinaryOperator, SQLExpression, SQLExpression)
        /// A function call: `lower(x)`, `count(*)` (`star`), `count(DISTINCT x)`.
        case function(name: String, arguments: [SQLExpression], distinct: Bool, star: Bool)
        /// `CAST(x AS type)`.
        case cast(SQLExpression, SQLTypeName)
        /// `CASE [operand] WHEN … THEN … [ELSE …] END`.
        case caseWhen(operand: SQLExpression?, branches: [SQLWhenBranch], otherwise: SQLExpression?)
        /// `x [NOT] BETWEEN low AND high`.
        case between(SQLExpression, low: SQLExpression, high: SQLExpression, negated: Bool)
        /// `x [NOT] IN (a, b, …)`.
        case inList(SQLExpression, [SQLExpression], negated: Bool)
        /// `x [NOT] IN (SELECT …)`.
        case inQuery(SQLExpression, SQLQuery, negated: Bool)
        /// `[NOT] EXISTS (SELECT …)`.
        case exists(SQLQuery, negated: Bool)
        /// `(SELECT …)` as a value.
        case subquery(SQLQuery)
        /// `x [NOT] LIKE pattern`.
        case like(SQLExpression, pattern: SQLExpression, negated: Bool)
        /// `x IS [NOT] NULL`.
        case isNull(SQLExpression, negated: Bool)
        /// `EXTRACT(field FROM x)`, field upper-cased.
        case extract(field: String, SQLExpression)
    }

    /// What it is.
    public var kind: Kind
    /// Where it starts in the text.
    public var location: SQLLocation

    /// Creates an expression.
    public init(_ kind: Kind, at location: SQLLocation) {
        self.kind = kind
        self.location = location
    }

    /// The expression as SQL, every operation in parentheses: `((a + 1) > b)`.
    public var description: String {
        switch kind {
        case .column(let parts): return parts.map(SQLName.render).joined(separator: ".")
        case .literal(let literal): return literal.description
        case .unary(let op, let operand): return "(\(op.rawValue)\(op == .not ? " " : "")\(operand))"
        case .binary(let op, let left, let right): return "(\(left) \(op.rawValue) \(right))"
        case .function(let name, let arguments, let distinct, let star):
            if star { return "\(name)(*)" }
            return "\(name)(\(distinct ? "DISTINCT " : "")\(arguments.map(\.description).joined(separator: ", ")))"
        case .cast(let value, let type): return "CAST(\(value) AS \(type))"
        case .caseWhen(let operand, let branches, let otherwise):
            var text = "CASE"
            if let operand { text += " \(operand)" }
            for branch in branches { text += " WHEN \(branch.condition) THEN \(branch.result)" }
            if let otherwise { text += " ELSE \(otherwise)" }
            return text + " END"
        case .between(let value, let low, let high, let negated):
            return "(\(value) \(negated ? "NOT " : "")BETWEEN \(low) AND \(high))"
        case .inList(let value, let list, let negated):
            return "(\(value) \(negated ? "NOT " : "")IN (\(list.map(\.description).joined(separator: ", "))))"
        case .inQuery(let value, let query, let negated):
            return "(\(value) \(negated ? "NOT " : "")IN (\(query)))"
        case .exists(let query, let negated): return "(\(negated ? "NOT " : "")EXISTS (\(query)))"
        case .subquery(let query): return "(\(query))"
        case .like(let value, let pattern, let negated): return "(\(value) \(negated ? "NOT " : "")LIKE \(pattern))"
        case .isNull(let value, let negated): return "(\(value) IS \(negated ? "NOT " : "")NULL)"
        case .extract(let field, let value): return "EXTRACT(\(field) FROM \(value))"
        }
    }
}

/// One `WHEN … THEN …` of a `CASE`.
public struct SQLWhenBranch: Sendable, Hashable {
    /// The condition (or, in a `CASE operand`, the value compared with it).
    public var condition: SQLExpression
    /// The result.
    public var result: SQLExpression

    /// Creates a branch.
    public init(condition: SQLExpression, result: SQLExpression) {
        self.condition = condition
        self.result = result
    }
}

/// A literal value as written.
public enum SQLLiteral: Sendable, Hashable, CustomStringConvertible {
    /// `NULL`.
    case null
    /// `TRUE` or `FALSE`.
    case boolean(Bool)
    /// An integer's digits (range-checked when bound).
    case integer(String)
    /// A decimal or exponent number as written.
    case number(String)
    /// A string.
    case string(String)
    /// `DATE 'YYYY-MM-DD'`.
    case date(String)
    /// `TIMESTAMP 'YYYY-MM-DD HH:MM:SS[.fff]'`.
    case timestamp(String)
    /// `INTERVAL '3' DAY`: the quantity as written and the unit, upper-cased and singular.
    case interval(String, unit: String)
    /// `current_date`.
    case currentDate

    /// The literal as SQL.
    public var description: String {
        switch self {
        case .null: "NULL"
        case .boolean(let value): value ? "TRUE" : "FALSE"
        case .integer(let digits): digits
        case .number(let text): text
        case .string(let text): "'\(SQLName.doubling("'", in: text))'"
        case .date(let text): "DATE '\(text)'"
        case .timestamp(let text): "TIMESTAMP '\(text)'"
        case .interval(let quantity, let unit): "INTERVAL '\(quantity)' \(unit)"
        case .currentDate: "current_date"
        }
    }
}

/// A prefix operator.
public enum SQLUnaryOperator: String, Sendable, Hashable {
    case negate = "-"
    case plus = "+"
    case not = "NOT"
}

/// An infix operator.
public enum SQLBinaryOperator: String, Sendable, Hashable {
    case or = "OR"
    case and = "AND"
    case equal = "="
    case notEqual = "<>"
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case concatenate = "||"
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case modulo = "%"
}

/// A type named in `CAST` or a catalog: the engine's types.
public enum SQLTypeName: Sendable, Hashable, CustomStringConvertible {
    case bigint
    case double
    case decimal(precision: Int, scale: Int)
    case varchar
    case boolean
    case date
    case timestamp

    /// The type as SQL.
    public var description: String {
        switch self {
        case .bigint: "BIGINT"
        case .double: "DOUBLE"
        case .decimal(let precision, let scale): "DECIMAL(\(precision), \(scale))"
        case .varchar: "VARCHAR"
        case .boolean: "BOOLEAN"
        case .date: "DATE"
        case .timestamp: "TIMESTAMP"
        }
    }
}
