/// Row estimates: what the planner orders joins by and `EXPLAIN` shows.
///
/// They start from the tables' metadata (a Parquet footer's row count; a CSV file's size) and use the textbook
/// selectivities where nothing better is known: an equality keeps a tenth of the rows, a range a third, `AND`
/// multiplies, `OR` adds what the other side has not kept. An equi-join's rows are the product of its inputs' over
/// the distinct values of its keys: the larger of the two sides' bounds where the data's statistics give them (an
/// integer or date column of a Parquet file holds at most its largest value less its smallest, plus one), else the
/// row count of the smaller base table (a foreign key meeting a key, which is then unique).
extension QueryPlan {
    /// The rows assumed for a table whose metadata says nothing.
    static let unknownRows = 1_000_000.0

    /// The rows this plan is expected to produce.
    public var estimatedRows: Double {
        switch self {
        case .scan(_, _, _, let rows): rows.map(Double.init) ?? Self.unknownRows
        case .singleRow: 1
        case .filter(let input, let predicate): max(1, input.estimatedRows * predicate.selectivity)
        case .project(let input, _), .sort(let input, _): input.estimatedRows
        case .aggregate(let input, let keyCount, _): keyCount == 0 ? 1 : max(1, input.estimatedRows / 10)
        case .limit(let input, let count, let offset):
            count.map { min(input.estimatedRows, Double($0)) } ?? max(0, input.estimatedRows - Double(offset))
        case .distinct(let input): max(1, input.estimatedRows / 2)
        case .join(let left, let right, let leftKeys, let rightKeys):
            Self.joinRows(left, right, leftKeys, rightKeys)
        case .hashJoin(let left, let right, let leftKeys, let rightKeys, let kind, _):
            switch kind {
            case .semi, .anti: max(1, left.estimatedRows / 2)
            case .left: max(left.estimatedRows, Self.joinRows(left, right, leftKeys, rightKeys))
            case .full:
                max(left.estimatedRows + right.estimatedRows, Self.joinRows(left, right, leftKeys, rightKeys))
            default: Self.joinRows(left, right, leftKeys, rightKeys)
            }
        case .conditionalSemiJoin(let left, _, _, _, _, _): max(1, left.estimatedRows / 2)
        case .cross(let left, let right): left.estimatedRows * right.estimatedRows
        case .unionAll(let left, let right): left.estimatedRows + right.estimatedRows
        }
    }

    /// The rows of the tables below before any filter: how many distinct values a key of this input can have at
    /// most, when it is a key of its base table.
    var baseRows: Double {
        switch self {
        case .scan, .singleRow: estimatedRows
        case .filter(let input, _), .project(let input, _), .sort(let input, _), .limit(let input, _, _),
            .distinct(let input):
            input.baseRows
        case .aggregate: estimatedRows
        case .join(let left, let right, _, _), .hashJoin(let left, let right, _, _, _, _),
            .conditionalSemiJoin(let left, let right, _, _, _, _), .cross(let left, let right),
            .unionAll(let left, let right):
            max(left.baseRows, right.baseRows)
        }
    }

    /// The equi-join of `left` and `right` on `leftKeys` = `rightKeys`.
    static func joinRows(_ left: QueryPlan, _ right: QueryPlan, _ leftKeys: [Int], _ rightKeys: [Int]) -> Double {
        joinRows(left.estimatedRows, right.estimatedRows, keyRows: keyRows(left, right, leftKeys, rightKeys))
    }

    /// The distinct values of the join keys `leftKeys` = `rightKeys`: per pair, the larger of the two sides' bounds
    /// where statistics give one, else the smaller base table's rows; the most selective pair counts.
    static func keyRows(_ left: QueryPlan, _ right: QueryPlan, _ leftKeys: [Int], _ rightKeys: [Int]) -> Double {
        var result = 1.0
        for (l, r) in zip(leftKeys, rightKeys) {
            let known = [left.distinctValues(ofColumn: l), right.distinctValues(ofColumn: r)].compactMap { $0 }
            result = max(result, known.max() ?? min(left.baseRows, right.baseRows))
        }
        return result
    }

    /// The most distinct values output column `index` can hold, when the data's statistics say.
    func distinctValues(ofColumn index: Int) -> Double? {
        let bound: Double?
        switch self {
        case .scan(let table, let columns, _, _):
            bound = index < columns.count ? table.distinctValueBounds[columns[index]].map(Double.init) : nil
        case .filter(let input, _), .sort(let input, _), .limit(let input, _, _), .distinct(let input):
            bound = input.distinctValues(ofColumn: index)
        case .project(let input, let expressions):
            guard index < expressions.count, case .column(let source, _, _) = expressions[index] else { return nil }
            bound = input.distinctValues(ofColumn: source)
        case .aggregate(let input, let keyCount, _):
            bound = index < keyCount ? input.distinctValues(ofColumn: index) : nil
        case .join(let left, let right, _, _), .cross(let left, let right):
            let width = left.types.count
            bound = index < width ? left.distinctValues(ofColumn: index) : right.distinctValues(ofColumn: index - width)
        case .hashJoin(let left, let right, _, _, let kind, _):
            let width = left.types.count
            bound =
                index < width || kind == .semi || kind == .anti
                ? left.distinctValues(ofColumn: index) : right.distinctValues(ofColumn: index - width)
        case .conditionalSemiJoin(let left, _, _, _, _, _): bound = left.distinctValues(ofColumn: index)
        case .singleRow, .unionAll: bound = nil
        }
        return bound.map { min($0, estimatedRows) }
    }

    /// `left × right / keyRows`: inputs of `left` and `right` rows joined on a key with `keyRows` distinct values.
    static func joinRows(_ left: Double, _ right: Double, keyRows: Double) -> Double {
        max(1, left * right / max(1, keyRows))
    }
}

extension BoundExpression {
    /// The share of rows this predicate is expected to keep.
    var selectivity: Double {
        switch self {
        case .compare(let op, _, _):
            switch op {
            case .equal: return 0.1
            case .notEqual: return 0.9
            default: return 1.0 / 3
            }
        case .and(let left, let right): return left.selectivity * right.selectivity
        case .or(let left, let right):
            let a = left.selectivity
            let b = right.selectivity
            return min(1, a + b - a * b)
        case .not(let operand): return max(0.05, 1 - operand.selectivity)
        case .isNull(_, let negated): return negated ? 0.95 : 0.05
        case .inList(_, let values, let negated):
            let kept = min(1, 0.1 * Double(values.count))
            return negated ? max(0.05, 1 - kept) : kept
        case .like(_, _, let negated): return negated ? 0.9 : 0.1
        case .constant(.boolean(let value), _): return value ? 1 : 0
        default: return 0.5
        }
    }
}
