extension SQLParser {
    /// An expression. From loosest to tightest: `OR`, `AND`, `NOT`, the predicates (comparisons, `IS [NOT] NULL`,
    /// `[NOT] BETWEEN`, `[NOT] IN`, `[NOT] LIKE`), `||`, `+ -`, `* / %`, unary `- +`, then the primaries.
    mutating func expression() throws(SQLSyntaxError) -> SQLExpression {
        try disjunction()
    }

    private mutating func disjunction() throws(SQLSyntaxError) -> SQLExpression {
        var left = try conjunction()
        while check(keyword: "OR") {
            let location = advance().location
            left = SQLExpression(.binary(.or, left, try conjunction()), at: location)
        }
        return left
    }

    private mutating func conjunction() throws(SQLSyntaxError) -> SQLExpression {
        var left = try negation()
        while check(keyword: "AND") {
            let location = advance().location
            left = SQLExpression(.binary(.and, left, try negation()), at: location)
        }
        return left
    }

    private mutating func negation() throws(SQLSyntaxError) -> SQLExpression {
        if check(keyword: "NOT") {
            let location = advance().location
            return SQLExpression(.unary(.not, try negation()), at: location)
        }
        return try predicate()
    }

    private static let comparisons: [String: SQLBinaryOperator] = [
        "=": .equal, "<>": .notEqual, "!=": .notEqual, "<": .less, "<=": .lessOrEqual, ">": .greater,
        ">=": .greaterOrEqual,
    ]

    private mutating func predicate() throws(SQLSyntaxError) -> SQLExpression {
        var left = try concatenation()
        while true {
            let location = current.location
            if case .symbol(let symbol) = current.kind, let op = Self.comparisons[symbol] {
                position += 1
                left = SQLExpression(.binary(op, left, try concatenation()), at: location)
            } else if accept(keyword: "IS") {
                let negated = accept(keyword: "NOT")
                try expect(keyword: "NULL")
                left = SQLExpression(.isNull(left, negated: negated), at: location)
            } else if check(keyword: "NOT"), ["BETWEEN", "IN", "LIKE"].contains(peek(1).keyword ?? "") {
                position += 1
                left = try negatable(left, negated: true, at: location)
            } else if ["BETWEEN", "IN", "LIKE"].contains(current.keyword ?? "") {
                left = try negatable(left, negated: false, at: location)
            } else {
                return left
            }
        }
    }

    private mutating func negatable(
        _ value: SQLExpression,
        negated: Bool,
        at location: SQLLocation
    )
        throws(SQLSyntaxError) -> SQLExpression
    {
        switch advance().keyword {
        case "BETWEEN":
            let low = try concatenation()
            try expect(keyword: "AND")
            return SQLExpression(.between(value, low: low, high: try concatenation(), negated: negated), at: location)
        case "LIKE":
            return SQLExpression(.like(value, pattern: try concatenation(), negated: negated), at: location)
        default:
            try expect(symbol: "(")
            if check(keyword: "SELECT") || check(keyword: "WITH") {
                let subquery = try query()
                try expect(symbol: ")")
                return SQLExpression(.inQuery(value, subquery, negated: negated), at: location)
            }
            var list: [SQLExpression] = []
            repeat { list.append(try expression()) } while accept(symbol: ",")
            try expect(symbol: ")")
            return SQLExpression(.inList(value, list, negated: negated), at: location)
        }
    }

    private mutating func concatenation() throws(SQLSyntaxError) -> SQLExpression {
        var left = try additive()
        while check(symbol: "||") {
            let location = advance().location
            left = SQLExpression(.binary(.concatenate, left, try additive()), at: location)
        }
        return left
    }

    private mutating func additive() throws(SQLSyntaxError) -> SQLExpression {
        var left = try multiplicative()
        while check(symbol: "+") || check(symbol: "-") {
            let token = advance()
            let op: SQLBinaryOperator = token.kind == .symbol("+") ? .add : .subtract
            left = SQLExpression(.binary(op, left, try multiplicative()), at: token.location)
        }
        return left
    }

    private mutating func multiplicative() throws(SQLSyntaxError) -> SQLExpression {
        var left = try unary()
        while true {
            let op: SQLBinaryOperator
            switch current.kind {
            case .symbol("*"): op = .multiply
            case .symbol("/"): op = .divide
            case .symbol("%"): op = .modulo
            default: return left
            }
            let location = advance().location
            left = SQLExpression(.binary(op, left, try unary()), at: location)
        }
    }

    private mutating func unary() throws(SQLSyntaxError) -> SQLExpression {
        let location = current.location
        if accept(symbol: "-") {
            let operand = try unary()
            // A negative literal stays a literal, so that -9223372036854775808 is in range.
            if case .literal(.integer(let digits)) = operand.kind, !digits.hasPrefix("-") {
                return SQLExpression(.literal(.integer("-" + digits)), at: location)
            }
            return SQLExpression(.unary(.negate, operand), at: location)
        }
        if accept(symbol: "+") { return SQLExpression(.unary(.plus, try unary()), at: location) }
        return try primary()
    }

    private mutating func primary() throws(SQLSyntaxError) -> SQLExpression {
        let token = current
        let location = token.location
        switch token.kind {
        case .integer(let digits):
            position += 1
            return SQLExpression(.literal(.integer(digits)), at: location)
        case .number(let text):
            position += 1
            return SQLExpression(.literal(.number(text)), at: location)
        case .string(let text):
            position += 1
            return SQLExpression(.literal(.string(text)), at: location)
        case .symbol("("):
            position += 1
            if check(keyword: "SELECT") || check(keyword: "WITH") {
                let subquery = try query()
                try expect(symbol: ")")
                return SQLExpression(.subquery(subquery), at: location)
            }
            let inner = try expression()
            try expect(symbol: ")")
            return inner
        case .word(let word):
            return try wordExpression(word.uppercased(), at: location)
        case .quotedIdentifier:
            return try columnReference()
        default:
            throw unexpected("an expression")
        }
    }

    private mutating func wordExpression(
        _ word: String,
        at location: SQLLocation
    ) throws(SQLSyntaxError)
        -> SQLExpression
    {
        switch word {
        case "NULL":
            position += 1
            return SQLExpression(.literal(.null), at: location)
        case "TRUE", "FALSE":
            position += 1
            return SQLExpression(.literal(.boolean(word == "TRUE")), at: location)
        case "DATE" where isString(peek(1)), "TIMESTAMP" where isString(peek(1)):
            position += 1
            guard case .string(let text) = advance().kind else { throw unexpected("a string") }
            return SQLExpression(.literal(word == "DATE" ? .date(text) : .timestamp(text)), at: location)
        case "INTERVAL":
            position += 1
            return try interval(at: location)
        case "CURRENT_DATE" where peek(1).kind != .symbol("("):
            position += 1
            return SQLExpression(.literal(.currentDate), at: location)
        case "CASE":
            position += 1
            return try caseExpression(at: location)
        case "CAST":
            position += 1
            try expect(symbol: "(")
            let value = try expression()
            try expect(keyword: "AS")
            let type = try typeName()
            try expect(symbol: ")")
            return SQLExpression(.cast(value, type), at: location)
        case "EXTRACT":
            position += 1
            try expect(symbol: "(")
            guard let field = current.keyword, Self.extractFields.contains(field) else {
                throw unexpected("a field to extract (\(Self.extractFields.sorted().joined(separator: ", ")))")
            }
            position += 1
            try expect(keyword: "FROM")
            let value = try expression()
            try expect(symbol: ")")
            return SQLExpression(.extract(field: field, value), at: location)
        case "EXISTS":
            position += 1
            try expect(symbol: "(")
            let subquery = try query()
            try expect(symbol: ")")
            return SQLExpression(.exists(subquery, negated: false), at: location)
        default:
            if SQLKeywords.reserved.contains(word) { throw unexpected("an expression") }
            if peek(1).kind == .symbol("(") { return try functionCall() }
            return try columnReference()
        }
    }

    static let extractFields: Set<String> = [
        "YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "DOW", "DOY", "HOUR", "MINUTE",
        "SECOND",
    ]

    private func isString(_ token: SQLToken) -> Bool {
        if case .string = token.kind { return true }
        return false
    }

    private mutating func interval(at location: SQLLocation) throws(SQLSyntaxError) -> SQLExpression {
        var negative = false
        if accept(symbol: "-") { negative = true }
        guard case .string(var quantity) = current.kind else {
            throw unexpected("the interval's quantity as a string, e.g. '3'")
        }
        position += 1
        guard let word = current.keyword else {
            throw unexpected("an interval unit (YEAR, MONTH, DAY, HOUR, MINUTE, SECOND)")
        }
        let unit = word.hasSuffix("S") ? String(word.dropLast()) : word
        guard ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"].contains(unit) else {
            throw unexpected("an interval unit (YEAR, MONTH, DAY, HOUR, MINUTE, SECOND)")
        }
        position += 1
        if negative { quantity = "-" + quantity }
        return SQLExpression(.literal(.interval(quantity, unit: unit)), at: location)
    }

    private mutating func caseExpression(at location: SQLLocation) throws(SQLSyntaxError) -> SQLExpression {
        let operand = check(keyword: "WHEN") ? nil : try expression()
        var branches: [SQLWhenBranch] = []
        while accept(keyword: "WHEN") {
            let condition = try expression()
            try expect(keyword: "THEN")
            branches.append(SQLWhenBranch(condition: condition, result: try expression()))
        }
        guard !branches.isEmpty else { throw unexpected("WHEN") }
        let otherwise = accept(keyword: "ELSE") ? try expression() : nil
        try expect(keyword: "END")
        return SQLExpression(.caseWhen(operand: operand, branches: branches, otherwise: otherwise), at: location)
    }

    private mutating func functionCall() throws(SQLSyntaxError) -> SQLExpression {
        let location = current.location
        let name = try identifier("a function name")
        try expect(symbol: "(")
        if accept(symbol: "*") {
            try expect(symbol: ")")
            return SQLExpression(.function(name: name, arguments: [], distinct: false, star: true), at: location)
        }
        let distinct = accept(keyword: "DISTINCT")
        var arguments: [SQLExpression] = []
        if !check(symbol: ")") {
            repeat { arguments.append(try expression()) } while accept(symbol: ",")
        }
        try expect(symbol: ")")
        return SQLExpression(.function(name: name, arguments: arguments, distinct: distinct, star: false), at: location)
    }

    private mutating func columnReference() throws(SQLSyntaxError) -> SQLExpression {
        let location = current.location
        var parts = [try identifier("a column name")]
        while check(symbol: "."), parts.count < 4 {
            position += 1
            parts.append(try identifier("a column name"))
        }
        return SQLExpression(.column(parts), at: location)
    }

    /// A type: `BIGINT` (also `INT`, `INTEGER`, `SMALLINT`, `TINYINT`), `DOUBLE` (`DOUBLE PRECISION`, `REAL`,
    /// `FLOAT`), `DECIMAL[(p[, s])]` (`NUMERIC`), `VARCHAR[(n)]` (`STRING`, `CHAR`, `TEXT`), `BOOLEAN`, `DATE`,
    /// `TIMESTAMP`.
    mutating func typeName() throws(SQLSyntaxError) -> SQLTypeName {
        guard let word = current.keyword else { throw unexpected("a type name") }
        let location = current.location
        position += 1
        switch word {
        case "BIGINT", "INT", "INTEGER", "SMALLINT", "TINYINT": return .bigint
        case "DOUBLE":
            _ = accept(keyword: "PRECISION")
            return .double
        case "REAL", "FLOAT": return .double
        case "BOOLEAN", "BOOL": return .boolean
        case "DATE": return .date
        case "TIMESTAMP": return .timestamp
        case "VARCHAR", "STRING", "CHAR", "TEXT":
            if accept(symbol: "(") {
                _ = try integerLiteral("a length")
                try expect(symbol: ")")
            }
            return .varchar
        case "DECIMAL", "NUMERIC":
            var (precision, scale) = (38, 0)
            if accept(symbol: "(") {
                precision = try integerLiteral("a precision")
                if accept(symbol: ",") { scale = try integerLiteral("a scale") }
                try expect(symbol: ")")
            }
            guard (1...38).contains(precision), (0...precision).contains(scale) else {
                throw error(
                    "DECIMAL(\(precision), \(scale)): the precision must be 1 to 38 and the scale 0 to it",
                    at: location
                )
            }
            return .decimal(precision: precision, scale: scale)
        default:
            throw error(
                "unknown type \(word); the types are BIGINT, DOUBLE, DECIMAL(p, s), VARCHAR, BOOLEAN, DATE, TIMESTAMP",
                at: location
            )
        }
    }

    private mutating func integerLiteral(_ what: String) throws(SQLSyntaxError) -> Int {
        guard case .integer(let digits) = current.kind, let value = Int(digits) else { throw unexpected(what) }
        position += 1
        return value
    }
}
