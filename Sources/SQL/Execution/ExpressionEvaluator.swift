import Columnar

/// Evaluates bound expressions over a batch, a column at a time: each operator is one loop over typed arrays, with
/// SQL's rules for nulls (an operation on a null is null; `AND`/`OR` are three-valued) and for overflow (an error,
/// never a wrap).
enum ExpressionEvaluator {
    static func evaluate(_ expression: BoundExpression, _ batch: RecordBatch) throws(SQLError) -> Column {
        let n = batch.count
        switch expression {
        case .column(let index, _, _):
            return batch.columns[index]
        case .constant(let value, let type):
            return SQLColumns.constant(value, type, count: n)
        case .arithmetic(let op, let left, let right, let type):
            return try arithmetic(op, try evaluate(left, batch), try evaluate(right, batch), type)
        case .negate(let operand):
            let column = try evaluate(operand, batch)
            if operand.type == .double {
                return SQLColumns.make(.double, .double(SQLColumns.doubles(column).map { -$0 }), column.validity)
            }
            var result = SQLColumns.int64s(column)
            for i in result.indices where !column.isNull(i) {
                guard result[i] != .min else { throw SQLError("BIGINT overflow: -(\(result[i]))") }
                result[i] = -result[i]
            }
            return SQLColumns.make(.bigint, .int64(result), column.validity)
        case .compare(let op, let left, let right):
            return compare(
                op,
                try evaluate(left, batch),
                try evaluate(right, batch),
                left.type.common(with: right.type) ?? left.type
            )
        case .and(let left, let right):
            return logical(and: true, try evaluate(left, batch), try evaluate(right, batch))
        case .or(let left, let right):
            return logical(and: false, try evaluate(left, batch), try evaluate(right, batch))
        case .not(let operand):
            let column = try evaluate(operand, batch)
            return SQLColumns.make(.boolean, .boolean(SQLColumns.booleans(column).map { !$0 }), column.validity)
        case .isNull(let operand, let negated):
            let column = try evaluate(operand, batch)
            let values = (0..<n).map { column.isNull($0) != negated }
            return SQLColumns.make(.boolean, .boolean(values), nil)
        case .inList(let operand, let values, let negated):
            return inList(try evaluate(operand, batch), operand.type, values, negated: negated)
        case .like(let operand, let pattern, let negated):
            let column = try evaluate(operand, batch)
            let matcher = LikePattern(pattern)
            let bytes = SQLColumns.bytes(column)
            var result = [Bool](repeating: false, count: n)
            bytes.data.withUnsafeBufferPointer { data in
                for i in 0..<n where !column.isNull(i) {
                    let range = bytes.range(at: i)
                    result[i] = matcher.matches(UnsafeBufferPointer(rebasing: data[range])) != negated
                }
            }
            return SQLColumns.make(.boolean, .boolean(result), column.validity)
        case .caseWhen(let branches, let otherwise, let type):
            return try caseWhen(branches, otherwise: otherwise, type, batch)
        case .cast(let operand, let type):
            return try SQLCasts.cast(try evaluate(operand, batch), from: operand.type, to: type)
        case .function(let function, let arguments, let type):
            let columns = try arguments.map { argument throws(SQLError) in try evaluate(argument, batch) }
            return try SQLFunctions.apply(function, columns, arguments.map(\.type), type, count: n)
        }
    }

    // MARK: - Arithmetic

    private static func arithmetic(
        _ op: SQLBinaryOperator,
        _ left: Column,
        _ right: Column,
        _ type: SQLType
    ) throws(SQLError) -> Column {
        let validity = SQLColumns.both(left.validity, right.validity)
        if type == .double {
            let a = SQLColumns.doubles(left)
            let b = SQLColumns.doubles(right)
            var result = [Double](repeating: 0, count: a.count)
            switch op {
            case .add: for i in a.indices { result[i] = a[i] + b[i] }
            case .subtract: for i in a.indices { result[i] = a[i] - b[i] }
            case .multiply: for i in a.indices { result[i] = a[i] * b[i] }
            case .divide: for i in a.indices { result[i] = a[i] / b[i] }
            case .modulo: for i in a.indices { result[i] = a[i].truncatingRemainder(dividingBy: b[i]) }
            default: preconditionFailure("not arithmetic: \(op)")
            }
            return SQLColumns.make(.double, .double(result), validity)
        }
        let a = SQLColumns.int64s(left)
        let b = SQLColumns.int64s(right)
        var result = [Int64](repeating: 0, count: a.count)
        var overflow = false
        func valid(_ i: Int) -> Bool { validity?[i] ?? true }
        switch op {
        case .add:
            for i in a.indices {
                let (value, o) = a[i].addingReportingOverflow(b[i])
                result[i] = value
                if o, valid(i) { overflow = true }
            }
        case .subtract:
            for i in a.indices {
                let (value, o) = a[i].subtractingReportingOverflow(b[i])
                result[i] = value
                if o, valid(i) { overflow = true }
            }
        case .multiply:
            for i in a.indices {
                let (value, o) = a[i].multipliedReportingOverflow(by: b[i])
                result[i] = value
                if o, valid(i) { overflow = true }
            }
        case .divide, .modulo:
            for i in a.indices where valid(i) {
                guard b[i] != 0 else { throw SQLError("division by zero") }
                if a[i] == .min, b[i] == -1 {
                    overflow = op == .divide
                    continue
                }
                result[i] = op == .divide ? a[i] / b[i] : a[i] % b[i]
            }
        default: preconditionFailure("not arithmetic: \(op)")
        }
        if overflow {
            let row = a.indices.first { i in
                guard valid(i) else { return false }
                switch op {
                case .add: return a[i].addingReportingOverflow(b[i]).overflow
                case .subtract: return a[i].subtractingReportingOverflow(b[i]).overflow
                case .multiply: return a[i].multipliedReportingOverflow(by: b[i]).overflow
                default: return a[i] == .min && b[i] == -1
                }
            }
            let detail = row.map { " (\(a[$0]) \(op.rawValue) \(b[$0]))" } ?? ""
            throw SQLError("BIGINT overflow\(detail): the result does not fit in 64 bits")
        }
        return SQLColumns.make(.bigint, .int64(result), validity)
    }

    // MARK: - Comparison

    private static func compare(_ op: SQLBinaryOperator, _ left: Column, _ right: Column, _ type: SQLType) -> Column {
        let validity = SQLColumns.both(left.validity, right.validity)
        let n = left.count
        var result = [Bool](repeating: false, count: n)
        @inline(__always) func decide(_ order: Int) -> Bool {
            switch op {
            case .equal: order == 0
            case .notEqual: order != 0
            case .less: order < 0
            case .lessOrEqual: order <= 0
            case .greater: order > 0
            case .greaterOrEqual: order >= 0
            default: preconditionFailure("not a comparison: \(op)")
            }
        }
        func ordered<T: Comparable>(_ a: [T], _ b: [T]) {
            for i in 0..<n { result[i] = decide(a[i] < b[i] ? -1 : a[i] == b[i] ? 0 : 1) }
        }
        switch type {
        case .bigint, .timestamp: ordered(SQLColumns.int64s(left), SQLColumns.int64s(right))
        case .double: ordered(SQLColumns.doubles(left), SQLColumns.doubles(right))
        case .date: ordered(SQLColumns.int32s(left), SQLColumns.int32s(right))
        case .boolean:
            let a = SQLColumns.booleans(left)
            let b = SQLColumns.booleans(right)
            for i in 0..<n { result[i] = decide(a[i] == b[i] ? 0 : (!a[i] ? -1 : 1)) }
        case .varchar, .unknown:
            let a = SQLColumns.bytes(left)
            let b = SQLColumns.bytes(right)
            a.data.withUnsafeBufferPointer { da in
                b.data.withUnsafeBufferPointer { db in
                    for i in 0..<n {
                        result[i] = decide(
                            compareBytes(
                                UnsafeBufferPointer(rebasing: da[a.range(at: i)]),
                                UnsafeBufferPointer(rebasing: db[b.range(at: i)])
                            )
                        )
                    }
                }
            }
        }
        return SQLColumns.make(.boolean, .boolean(result), validity)
    }

    /// Byte-wise (UTF-8 code point) order: -1, 0 or 1.
    static func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let common = min(a.count, b.count)
        for i in 0..<common where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// Three-valued `AND` (`and`) or `OR`.
    private static func logical(and: Bool, _ left: Column, _ right: Column) -> Column {
        let a = SQLColumns.booleans(left)
        let b = SQLColumns.booleans(right)
        let n = a.count
        var result = [Bool](repeating: false, count: n)
        var validity = [Bool](repeating: true, count: n)
        for i in 0..<n {
            let aNull = left.isNull(i)
            let bNull = right.isNull(i)
            if and {
                // false wins over null.
                if (!aNull && !a[i]) || (!bNull && !b[i]) {
                    result[i] = false
                } else if aNull || bNull {
                    validity[i] = false
                } else {
                    result[i] = true
                }
            } else {
                if (!aNull && a[i]) || (!bNull && b[i]) {
                    result[i] = true
                } else if aNull || bNull {
                    validity[i] = false
                } else {
                    result[i] = false
                }
            }
        }
        return SQLColumns.make(.boolean, .boolean(result), validity)
    }

    private static func inList(_ column: Column, _ type: SQLType, _ values: [SQLValue], negated: Bool) -> Column {
        let n = column.count
        let set = Set(values.filter { $0 != .null })
        let listHasNull = values.contains(.null)
        var result = [Bool](repeating: false, count: n)
        var validity = [Bool](repeating: true, count: n)
        for i in 0..<n {
            guard !column.isNull(i) else {
                validity[i] = false
                continue
            }
            let found = set.contains(SQLColumns.value(column, type, at: i))
            // `x IN (…, NULL)` is null, not false, when nothing matched.
            if !found, listHasNull {
                validity[i] = false
            } else {
                result[i] = found != negated
            }
        }
        return SQLColumns.make(.boolean, .boolean(result), validity)
    }

    private static func caseWhen(
        _ branches: [BoundCaseBranch],
        otherwise: BoundExpression?,
        _ type: SQLType,
        _ batch: RecordBatch
    ) throws(SQLError) -> Column {
        let n = batch.count
        // Row i takes the result of branch chosen[i]; branches.count means ELSE (or null).
        var chosen = [Int](repeating: branches.count, count: n)
        var open = n
        for (b, branch) in branches.enumerated() where open > 0 {
            let condition = try evaluate(branch.condition, batch)
            let values = SQLColumns.booleans(condition)
            for i in 0..<n where chosen[i] == branches.count && values[i] && !condition.isNull(i) {
                chosen[i] = b
                open -= 1
            }
        }
        var results = try branches.map { branch throws(SQLError) in
            try SQLCasts.cast(try evaluate(branch.result, batch), from: branch.result.type, to: type)
        }
        if let otherwise {
            results.append(try SQLCasts.cast(try evaluate(otherwise, batch), from: otherwise.type, to: type))
        } else {
            results.append(SQLColumns.constant(.null, type, count: n))
        }
        var references: [RowReference] = []
        references.reserveCapacity(n)
        for i in 0..<n { references.append(RowReference(source: UInt32(chosen[i]), row: UInt32(i))) }
        return Column.gather(references, from: results)
    }
}

/// A compiled `LIKE` pattern: `%` any run, `_` any one character, everything else literal (no escape character).
struct LikePattern {
    private enum Piece: Equatable {
        case literal([UInt8])
        case one
        case any
    }

    private let pieces: [Piece]

    init(_ pattern: String) {
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        for byte in pattern.utf8 {
            switch byte {
            case UInt8(ascii: "%"), UInt8(ascii: "_"):
                if !literal.isEmpty { pieces.append(.literal(literal)) }
                literal = []
                let piece: Piece = byte == UInt8(ascii: "%") ? .any : .one
                if piece == .any, pieces.last == .any { continue }
                pieces.append(piece)
            default: literal.append(byte)
            }
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        self.pieces = pieces
    }

    func matches(_ text: UnsafeBufferPointer<UInt8>) -> Bool { match(text, 0, 0) }

    private func match(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ piece: Int) -> Bool {
        var position = start
        var index = piece
        while index < pieces.count {
            switch pieces[index] {
            case .literal(let bytes):
                guard position + bytes.count <= text.count else { return false }
                for j in 0..<bytes.count where text[position + j] != bytes[j] { return false }
                position += bytes.count
            case .one:
                guard position < text.count else { return false }
                position += 1
                // A whole UTF-8 character.
                while position < text.count, text[position] & 0xC0 == 0x80 { position += 1 }
            case .any:
                if index == pieces.count - 1 { return true }
                var next = position
                while next <= text.count {
                    if match(text, next, index + 1) { return true }
                    next += 1
                }
                return false
            }
            index += 1
        }
        return position == text.count
    }
}
