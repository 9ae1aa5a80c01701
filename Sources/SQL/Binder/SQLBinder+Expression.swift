import Columnar
import Engine
import Foundation

/// What names in an expression resolve to: the rows of the `FROM` clause, or the groups of an aggregation.
struct SQLBindingContext {
    var scope: SQLScope
    /// In an aggregating select: group keys and aggregate calls (by their SQL text) and the output column each is.
    var grouping: Grouping?

    struct Grouping {
        /// Group key texts → output column.
        var keys: [String: Int]
        /// Key columns of the `FROM` scope → output column (so that `t.d` and `d` are the same key).
        var keyColumns: [Int: Int]
        /// Aggregate call texts → output column.
        var aggregates: [String: Int]
        /// The output types.
        var types: [SQLType]
    }
}

extension SQLBinder {
    static let aggregateNames: Set<String> = ["count", "sum", "avg", "min", "max"]

    /// Binds a scalar expression.
    func bind(_ expression: SQLExpression, _ context: SQLBindingContext) throws(SQLError) -> BoundExpression {
        let location = expression.location
        if let grouping = context.grouping {
            let key = expression.description
            if let column = grouping.keys[key] { return .column(column, grouping.types[column], name: key) }
            if let column = grouping.aggregates[key] { return .column(column, grouping.types[column], name: key) }
            if case .column(let parts) = expression.kind {
                let index = try context.scope.resolve(parts, at: location, in: text)
                guard let column = grouping.keyColumns[index] else {
                    throw error(
                        "column \(parts.map(SQLName.render).joined(separator: ".")) must appear in the GROUP BY "
                            + "clause or be used in an aggregate function",
                        at: location
                    )
                }
                return .column(column, grouping.types[column], name: key)
            }
        }
        switch expression.kind {
        case .column(let parts):
            let index = try context.scope.resolve(parts, at: location, in: text)
            let entry = context.scope.entries[index]
            return .column(index, entry.type, name: parts.map(SQLName.render).joined(separator: "."))
        case .literal(let literal):
            return try bind(literal, at: location)
        case .unary(let op, let operand):
            let value = try bind(operand, context)
            switch op {
            case .not: return .not(try coerce(value, to: .boolean, at: operand.location, what: "NOT"))
            case .plus, .negate:
                guard value.type.isNumeric || value.type == .unknown else {
                    throw error("\(op.rawValue) does not apply to \(value.type)", at: location)
                }
                return op == .plus
                    ? value
                    : .negate(
                        try coerce(value, to: value.type == .unknown ? .bigint : value.type, at: location, what: "-")
                    )
            }
        case .binary(let op, let left, let right):
            return folded(try binary(op, left, right, context, at: location))
        case .function(let name, let arguments, let distinct, let star):
            if Self.aggregateNames.contains(name) {
                _ = (distinct, star)
                throw error("aggregate function \(name) is not allowed here", at: location)
            }
            return folded(try function(name, arguments, context, at: location))
        case .cast(let operand, let typeName):
            let value = try bind(operand, context)
            let target = Self.type(typeName)
            if value.type == target { return value }
            if case .constant(let constant, let type) = value {
                let column = try SQLCasts.cast(SQLColumns.constant(constant, type, count: 1), from: type, to: target)
                return .constant(SQLColumns.value(column, target, at: 0), target)
            }
            return .cast(value, target)
        case .caseWhen(let operand, let branches, let otherwise):
            var bound: [(BoundExpression, BoundExpression)] = []
            for branch in branches {
                let condition: SQLExpression
                if let operand {
                    condition = SQLExpression(.binary(.equal, operand, branch.condition), at: branch.condition.location)
                } else {
                    condition = branch.condition
                }
                let boundCondition = try coerce(
                    try bind(condition, context),
                    to: .boolean,
                    at: condition.location,
                    what: "WHEN"
                )
                bound.append((boundCondition, try bind(branch.result, context)))
            }
            let boundOtherwise = try otherwise.map { value throws(SQLError) in try bind(value, context) }
            var type = SQLType.unknown
            for result in bound.map(\.1) + (boundOtherwise.map { [$0] } ?? []) {
                guard let common = type.common(with: result.type) else {
                    throw error("CASE results have types \(type) and \(result.type), which do not mix", at: location)
                }
                type = common
            }
            return .caseWhen(
                try bound.map { pair throws(SQLError) in
                    BoundCaseBranch(condition: pair.0, result: try coerce(pair.1, to: type, at: location, what: "CASE"))
                },
                otherwise: try boundOtherwise.map { value throws(SQLError) in
                    try coerce(value, to: type, at: location, what: "CASE")
                },
                type
            )
        case .between(let value, let low, let high, let negated):
            let lower = SQLExpression(.binary(.greaterOrEqual, value, low), at: location)
            let upper = SQLExpression(.binary(.lessOrEqual, value, high), at: location)
            let both = try bind(SQLExpression(.binary(.and, lower, upper), at: location), context)
            return negated ? .not(both) : both
        case .inList(let value, let list, let negated):
            let operand = try bind(value, context)
            let items = try list.map { item throws(SQLError) in try bind(item, context) }
            var constants: [SQLValue] = []
            for item in items {
                guard case .constant = item else { break }
                let converted = try coerce(item, to: operand.type, at: location, what: "IN")
                guard case .constant(let constant, _) = converted else { break }
                constants.append(constant)
            }
            if constants.count == items.count, operand.type != .unknown {
                return .inList(operand, constants, negated: negated)
            }
            var disjunction: BoundExpression? = nil
            for (item, written) in zip(items, list) {
                let equal = try comparison(.equal, operand, item, at: written.location)
                disjunction = disjunction.map { .or($0, equal) } ?? equal
            }
            return negated ? .not(disjunction!) : disjunction!
        case .like(let value, let pattern, let negated):
            let operand = try coerce(try bind(value, context), to: .varchar, at: value.location, what: "LIKE")
            guard case .constant(.varchar(let text), _) = try bind(pattern, context) else {
                throw error("LIKE needs a constant string pattern", at: pattern.location)
            }
            return .like(operand, pattern: text, negated: negated)
        case .isNull(let value, let negated):
            return .isNull(try bind(value, context), negated: negated)
        case .extract(let field, let value):
            let operand = try bind(value, context)
            guard operand.type == .date || operand.type == .timestamp else {
                throw error("EXTRACT needs a DATE or TIMESTAMP, found \(operand.type)", at: value.location)
            }
            let functions: [String: SQLScalarFunction] = [
                "YEAR": .year, "QUARTER": .quarter, "MONTH": .month, "WEEK": .week, "DAY": .day, "DOW": .dayOfWeek,
                "DOY": .dayOfYear, "HOUR": .hour, "MINUTE": .minute, "SECOND": .second,
            ]
            return .function(functions[field]!, [operand], .bigint)
        case .subquery(let query):
            // Uncorrelated: run once, then a constant. A reference to an outer column fails to bind here.
            guard let scalarSubquery else { throw error("scalar subqueries are not supported here", at: location) }
            let bound: BoundQuery
            do {
                bound = try bindQuery(query)
            } catch {
                throw self.error(
                    "only uncorrelated scalar subqueries are supported yet: \(error.message)",
                    at: location
                )
            }
            guard bound.plan.types.count == 1 else {
                throw self.error(
                    "a scalar subquery must return one column, not \(bound.plan.types.count)",
                    at: location
                )
            }
            let value: SQLValue
            do {
                value = try scalarSubquery(bound.plan)
            } catch let failure as SQLError {
                throw failure
            } catch {
                throw self.error("scalar subquery: \(error)", at: location)
            }
            return .constant(value, bound.plan.types[0])
        case .inQuery, .exists:
            throw error(
                "IN (subquery) and EXISTS are supported as conditions of WHERE joined by AND; not inside other "
                    + "expressions yet",
                at: location
            )
        }
    }

    /// `expression` with constant subexpressions computed once (`DATE '1998-12-01' - INTERVAL '90' DAY`).
    func folded(_ expression: BoundExpression) -> BoundExpression {
        if case .constant = expression { return expression }
        if case .column = expression { return expression }
        guard expression.columns.isEmpty else { return expression }
        let one = RecordBatch(
            schema: Schema([Field("one", .boolean)]),
            columns: [SQLColumns.constant(.boolean(true), .boolean, count: 1)]
        )
        guard let column = try? ExpressionEvaluator.evaluate(expression, one) else { return expression }
        return .constant(SQLColumns.value(column, expression.type, at: 0), expression.type)
    }

    private func bind(_ literal: SQLLiteral, at location: SQLLocation) throws(SQLError) -> BoundExpression {
        switch literal {
        case .null: return .constant(.null, .unknown)
        case .boolean(let value): return .constant(.boolean(value), .boolean)
        case .integer(let digits):
            guard let value = Int64(digits) else {
                if let double = Double(digits) { return .constant(.double(double), .double) }
                throw error("integer \(digits) is out of range", at: location)
            }
            return .constant(.bigint(value), .bigint)
        case .number(let text):
            guard let value = Double(text) else { throw error("not a number: \(text)", at: location) }
            return .constant(.double(value), .double)
        case .string(let text): return .constant(.varchar(text), .varchar)
        case .date(let text):
            guard let days = SQLDates.parseDate(text) else {
                throw error("not a date: '\(text)' (expected YYYY-MM-DD)", at: location)
            }
            return .constant(.date(days), .date)
        case .timestamp(let text):
            guard let micros = SQLDates.parseTimestamp(text) else {
                throw error("not a timestamp: '\(text)' (expected YYYY-MM-DD HH:MM:SS[.ffffff])", at: location)
            }
            return .constant(.timestamp(micros), .timestamp)
        case .interval:
            throw error("an INTERVAL can only be added to or subtracted from a DATE or TIMESTAMP", at: location)
        case .currentDate:
            let days = Int32(floor(Date().timeIntervalSince1970 / 86_400))
            return .constant(.date(days), .date)
        }
    }

    private func binary(
        _ op: SQLBinaryOperator,
        _ left: SQLExpression,
        _ right: SQLExpression,
        _ context: SQLBindingContext,
        at location: SQLLocation
    ) throws(SQLError) -> BoundExpression {
        // date ± INTERVAL
        if op == .add || op == .subtract, case .literal(.interval(let quantity, let unit)) = right.kind {
            let value = try bind(left, context)
            guard value.type == .date || value.type == .timestamp else {
                throw error("an INTERVAL can only be added to a DATE or TIMESTAMP, not \(value.type)", at: location)
            }
            guard var amount = Int64(quantity.trimmingCharacters(in: .whitespaces)) else {
                throw error("interval quantity '\(quantity)' is not a whole number", at: right.location)
            }
            if op == .subtract { amount = -amount }
            let function: SQLScalarFunction
            switch unit {
            case "YEAR":
                function = .addMonths
                amount *= 12
            case "MONTH": function = .addMonths
            case "DAY": function = .addDays
            default:
                function = .addMicroseconds
                amount *= unit == "HOUR" ? 3_600_000_000 : unit == "MINUTE" ? 60_000_000 : 1_000_000
            }
            let type: SQLType = function == .addMicroseconds ? .timestamp : value.type
            return .function(function, [value, .constant(.bigint(amount), .bigint)], type)
        }
        if let exact = decimalArithmetic(op, left, right) { return exact }
        let a = try bind(left, context)
        let b = try bind(right, context)
        switch op {
        case .and, .or:
            let l = try coerce(a, to: .boolean, at: left.location, what: op.rawValue)
            let r = try coerce(b, to: .boolean, at: right.location, what: op.rawValue)
            return op == .and ? .and(l, r) : .or(l, r)
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            return try comparison(op, a, b, at: location)
        case .concatenate:
            return .function(
                .concat,
                [
                    try coerce(a, to: .varchar, at: left.location, what: "||", implicitText: true),
                    try coerce(b, to: .varchar, at: right.location, what: "||", implicitText: true),
                ],
                .varchar
            )
        case .add, .subtract, .multiply, .divide, .modulo:
            // date ± days, date - date
            if a.type == .date, b.type == .bigint, op == .add || op == .subtract {
                let days = op == .add ? b : .negate(b)
                return .function(.addDays, [a, days], .date)
            }
            if a.type == .date, b.type == .date, op == .subtract {
                return .arithmetic(.subtract, .cast(a, .bigint), .cast(b, .bigint), .bigint)
            }
            let l = a.type == .unknown ? BoundExpression.constant(.null, b.type == .unknown ? .bigint : b.type) : a
            let r = b.type == .unknown ? BoundExpression.constant(.null, l.type) : b
            guard l.type.isNumeric, r.type.isNumeric else {
                throw error("operator \(op.rawValue) does not apply to \(a.type) and \(b.type)", at: location)
            }
            let type: SQLType = l.type == .double || r.type == .double ? .double : .bigint
            return .arithmetic(
                op,
                try coerce(l, to: type, at: left.location, what: op.rawValue),
                try coerce(r, to: type, at: right.location, what: op.rawValue),
                type
            )
        }
    }

    /// `0.06 + 0.01` between number literals, computed in decimal and only then made a DOUBLE, so that it is the
    /// DOUBLE nearest 0.07, as a DECIMAL column's 0.07 is (TPC-H Q6), not 0.06999999999999999.
    private func decimalArithmetic(
        _ op: SQLBinaryOperator,
        _ left: SQLExpression,
        _ right: SQLExpression
    ) -> BoundExpression? {
        func number(_ e: SQLExpression) -> (Decimal, isInteger: Bool)? {
            switch e.kind {
            case .literal(.number(let text)): Decimal(string: text).map { ($0, false) }
            case .literal(.integer(let digits)): Decimal(string: digits).map { ($0, true) }
            default: nil
            }
        }
        guard [.add, .subtract, .multiply].contains(op), let (a, aInteger) = number(left),
            let (b, bInteger) = number(right),
            !(aInteger && bInteger)
        else { return nil }
        let result: Decimal
        switch op {
        case .add: result = a + b
        case .subtract: result = a - b
        default: result = a * b
        }
        guard let value = Double(result.description) else { return nil }
        return .constant(.double(value), .double)
    }

    /// `a op b` after bringing both to one type; a string constant meeting a date, timestamp, number or boolean is
    /// read as that type.
    func comparison(
        _ op: SQLBinaryOperator,
        _ a: BoundExpression,
        _ b: BoundExpression,
        at location: SQLLocation
    ) throws(SQLError) -> BoundExpression {
        var type = a.type.common(with: b.type)
        if type == nil {
            if case .constant(.varchar, _) = b { type = a.type }
            if case .constant(.varchar, _) = a { type = b.type }
        }
        guard let type else {
            throw error("cannot compare \(a.type) with \(b.type) (\(op.rawValue))", at: location)
        }
        let finalType = type == .unknown ? SQLType.varchar : type
        return .compare(
            op,
            try coerce(a, to: finalType, at: location, what: op.rawValue),
            try coerce(b, to: finalType, at: location, what: op.rawValue)
        )
    }

    /// `value` as `type`: unchanged, widened (bigint → double, date → timestamp), a null of the type, a constant
    /// string read as the type, or (with `implicitText`) any value as text; otherwise an error naming both types.
    func coerce(
        _ value: BoundExpression,
        to type: SQLType,
        at location: SQLLocation,
        what: String,
        implicitText: Bool = false
    ) throws(SQLError) -> BoundExpression {
        if value.type == type { return value }
        switch (value, value.type, type) {
        case (.constant(.null, _), _, _): return .constant(.null, type)
        case (_, .bigint, .double), (_, .date, .timestamp): return .cast(value, type)
        case (_, _, .varchar) where implicitText: return .cast(value, .varchar)
        case (.constant(.varchar(let text), _), .varchar, _):
            guard let parsed = SQLCasts.parse(text, as: type) else {
                throw error("'\(text)' is not a \(type) (\(what))", at: location)
            }
            return .constant(parsed, type)
        default:
            throw error("\(what) expects \(type), found \(value.type)", at: location)
        }
    }

    private func function(
        _ name: String,
        _ arguments: [SQLExpression],
        _ context: SQLBindingContext,
        at location: SQLLocation
    ) throws(SQLError) -> BoundExpression {
        let values = try arguments.map { argument throws(SQLError) in try bind(argument, context) }
        func expect(_ counts: ClosedRange<Int>) throws(SQLError) {
            guard counts.contains(values.count) else {
                let expected =
                    counts.count == 1 ? "\(counts.lowerBound)" : "\(counts.lowerBound) to \(counts.upperBound)"
                throw error(
                    "\(name) takes \(expected) argument\(counts.upperBound == 1 ? "" : "s"), found \(values.count)",
                    at: location
                )
            }
        }
        func text(_ i: Int) throws(SQLError) -> BoundExpression {
            try coerce(values[i], to: .varchar, at: arguments[i].location, what: name)
        }
        func integer(_ i: Int) throws(SQLError) -> BoundExpression {
            try coerce(values[i], to: .bigint, at: arguments[i].location, what: name)
        }
        func temporal(_ i: Int) throws(SQLError) -> BoundExpression {
            guard values[i].type == .date || values[i].type == .timestamp else {
                if case .constant(.varchar, _) = values[i] {
                    return try coerce(values[i], to: .date, at: arguments[i].location, what: name)
                }
                throw error("\(name) expects DATE or TIMESTAMP, found \(values[i].type)", at: arguments[i].location)
            }
            return values[i]
        }
        switch name {
        case "lower", "upper", "trim", "ltrim", "rtrim":
            try expect(1...1)
            return .function(SQLScalarFunction(rawValue: name)!, [try text(0)], .varchar)
        case "length", "char_length":
            try expect(1...1)
            return .function(.length, [try text(0)], .bigint)
        case "substr", "substring":
            try expect(2...3)
            return .function(
                .substr,
                [try text(0)] + (try (1..<values.count).map { i throws(SQLError) in try integer(i) }),
                .varchar
            )
        case "replace":
            try expect(2...3)
            return .function(.replace, try (0..<values.count).map { i throws(SQLError) in try text(i) }, .varchar)
        case "concat":
            guard !values.isEmpty else { throw error("concat takes at least 1 argument", at: location) }
            return .function(
                .concat,
                try values.indices.map { i throws(SQLError) in
                    try coerce(values[i], to: .varchar, at: arguments[i].location, what: name, implicitText: true)
                },
                .varchar
            )
        case "coalesce":
            guard !values.isEmpty else { throw error("coalesce takes at least 1 argument", at: location) }
            var type = SQLType.unknown
            for value in values {
                guard let common = type.common(with: value.type) else {
                    throw error(
                        "coalesce arguments have types \(type) and \(value.type), which do not mix",
                        at: location
                    )
                }
                type = common
            }
            return .function(
                .coalesce,
                try values.indices.map { i throws(SQLError) in
                    try coerce(values[i], to: type, at: arguments[i].location, what: name)
                },
                type
            )
        case "nullif":
            try expect(2...2)
            guard let type = values[0].type.common(with: values[1].type) else {
                throw error("nullif arguments have types \(values[0].type) and \(values[1].type)", at: location)
            }
            return .function(
                .nullif,
                [
                    try coerce(values[0], to: type, at: location, what: name),
                    try coerce(values[1], to: type, at: location, what: name),
                ],
                type
            )
        case "abs", "floor", "ceil", "ceiling":
            try expect(1...1)
            guard values[0].type.isNumeric else {
                throw error("\(name) expects a number, found \(values[0].type)", at: location)
            }
            let function: SQLScalarFunction = name == "abs" ? .abs : name == "floor" ? .floor : .ceil
            return .function(function, values, values[0].type)
        case "round":
            try expect(1...2)
            guard values[0].type.isNumeric else {
                throw error("round expects a number, found \(values[0].type)", at: location)
            }
            return .function(.round, [values[0]] + (values.count > 1 ? [try integer(1)] : []), values[0].type)
        case "year", "quarter", "month", "day", "day_of_week", "dow", "day_of_year", "doy", "week", "hour", "minute",
            "second":
            try expect(1...1)
            let aliases = ["dow": "day_of_week", "doy": "day_of_year"]
            return .function(SQLScalarFunction(rawValue: aliases[name] ?? name)!, [try temporal(0)], .bigint)
        case "date_trunc":
            try expect(2...2)
            let value = try temporal(1)
            return .function(.dateTrunc, [try text(0), value], value.type)
        case "date":
            try expect(1...1)
            if values[0].type == .date { return values[0] }
            return .cast(values[0], .date)
        default:
            let known =
                [
                    "abs", "ceil", "coalesce", "concat", "date", "date_trunc", "day", "day_of_week", "day_of_year",
                    "floor",
                    "hour", "length", "lower", "ltrim", "minute", "month", "nullif", "quarter", "replace", "round",
                    "rtrim",
                    "second", "substr", "trim", "upper", "week", "year",
                ] + Self.aggregateNames
            throw error("unknown function \(name)" + SQLSuggestion.didYouMean(name, among: known), at: location)
        }
    }

    static func type(_ name: SQLTypeName) -> SQLType {
        switch name {
        case .bigint: .bigint
        case .double, .decimal: .double
        case .varchar: .varchar
        case .boolean: .boolean
        case .date: .date
        case .timestamp: .timestamp
        }
    }
}
