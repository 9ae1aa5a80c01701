import Columnar
import Engine
import Foundation
import Logging
import Parquet

/// Runs a ``QueryPlan`` on Engine's operators: scans through ``Engine/DatasetScan``, the hash group-by, the external
/// sort (spilling past the memory budget) and the sort-merge join; each node is a pull-based ``BatchStream``.
public final class QueryExecutor {
    /// Where `s3://` tables are read from.
    public let store: ObjectStore?
    /// The directory relative table paths start from.
    public let baseDirectory: String
    /// Bytes the sorts and joins may hold before they spill.
    public let memoryBudget: Int
    /// The most bytes of an inner join's side held whole as a hash join's build side; 0 makes every inner join a
    /// sort-merge join. Default: a quarter of the memory budget, at most 64 MB.
    public let hashBuildLimit: Int
    let logger: Logger
    private var scans: [DatasetScan] = []
    /// The row counts the tables' metadata gave when their schemas were read, by qualified name.
    private var tableRows: [String: Int] = [:]
    /// The distinct-value bounds of the tables' columns, by qualified name.
    private var tableBounds: [String: [String: Int]] = [:]

    /// An executor reading tables from the local disk (relative to `baseDirectory`) or `store`.
    public init(
        store: ObjectStore?,
        baseDirectory: String,
        memoryBudget: Int,
        hashBuildLimit: Int? = nil,
        logger: Logger
    ) {
        self.store = store
        self.baseDirectory = baseDirectory
        self.memoryBudget = memoryBudget
        self.hashBuildLimit = hashBuildLimit ?? min(memoryBudget / 4, 64 << 20)
        self.logger = logger
    }

    /// The bytes the scans of this executor have read.
    public var bytesScanned: Int { scans.reduce(0) { $0 + $1.bytesRead } }
    /// The Parquet row groups its scans skipped by their statistics.
    public var rowGroupsSkipped: Int { scans.reduce(0) { $0 + $1.rowGroupsSkipped } }

    /// Counts `scan`'s bytes and skipped row groups in ``bytesScanned`` and ``rowGroupsSkipped``.
    func noteScan(_ scan: DatasetScan) { scans.append(scan) }

    /// Opens the table as its catalog entry describes it, to learn its columns.
    public func schema(of table: SQLCatalog.Table) throws -> Schema {
        if let rows = table.rows {
            rows.noteReference()
            return rows.schema
        }
        let scan = try open(table, columns: nil)
        if let rows = scan.estimatedRows { tableRows[table.qualifiedName] = rows }
        tableBounds[table.qualifiedName] = scan.distinctValueBounds
        return scan.schema
    }

    /// The rows the table holds by its metadata, once ``schema(of:)`` has opened it; `nil` when unknown.
    public func estimatedRows(of table: SQLCatalog.Table) -> Int? {
        tableRows[table.qualifiedName]
    }

    /// The most distinct values each column of the table can hold by its statistics, once ``schema(of:)`` has
    /// opened it.
    public func distinctValueBounds(of table: SQLCatalog.Table) -> [String: Int] {
        tableBounds[table.qualifiedName] ?? [:]
    }

    func open(
        _ table: SQLCatalog.Table,
        columns: [String]?,
        predicates: [ParquetPredicate] = []
    ) throws -> DatasetScan {
        if let problem = table.problem { throw SQLError(problem) }
        let location = try DataLocation(table.input.defaultPath, relativeTo: baseDirectory)
        return try DatasetScan(
            table.input,
            at: location,
            store: store,
            columns: columns,
            rowGroupPredicates: predicates,
            logger: logger
        )
    }

    /// The filters right above a scan, as the row-group predicates of its Parquet reader: `column op constant`.
    static func rowGroupPredicates(_ plan: QueryPlan, columns: [String]) -> [ParquetPredicate] {
        guard case .filter(let input, let predicate) = plan else { return [] }
        var result = rowGroupPredicates(input, columns: columns)
        func conjuncts(_ e: BoundExpression) -> [BoundExpression] {
            if case .and(let a, let b) = e { return conjuncts(a) + conjuncts(b) }
            return [e]
        }
        let flipped: [SQLBinaryOperator: SQLBinaryOperator] = [
            .less: .greater, .lessOrEqual: .greaterOrEqual, .greater: .less, .greaterOrEqual: .lessOrEqual,
            .equal: .equal,
        ]
        let operators: [SQLBinaryOperator: ParquetPredicate.Operator] = [
            .equal: .equal, .less: .less, .lessOrEqual: .lessOrEqual, .greater: .greater,
            .greaterOrEqual: .greaterOrEqual,
        ]
        for conjunct in conjuncts(predicate) {
            var comparison: (Int, SQLBinaryOperator, SQLValue)?
            switch conjunct {
            case .compare(let op, .column(let index, _, _), .constant(let value, _)): comparison = (index, op, value)
            case .compare(let op, .constant(let value, _), .column(let index, _, _)):
                comparison = flipped[op].map { (index, $0, value) }
            case .isNull(.column(let index, _, _), let negated):
                result.append(ParquetPredicate(columns[index], negated ? .isNotNull : .isNull))
            default: break
            }
            guard let (index, op, value) = comparison, let parquetOperator = operators[op] else { continue }
            let literal: Value
            switch value {
            case .bigint(let v): literal = .int(v)
            case .double(let v): literal = .double(v)
            case .varchar(let v): literal = .string(v)
            case .date(let v): literal = .date(v)
            case .timestamp(let v): literal = .timestamp(v, .microseconds, isAdjustedToUTC: false)
            case .boolean(let v): literal = .boolean(v)
            case .null: continue
            }
            result.append(ParquetPredicate(columns[index], parquetOperator, literal))
        }
        return result
    }

    /// The scan at the bottom of a chain of filters, if that is what `plan` is.
    static func scanBelowFilters(_ plan: QueryPlan) -> (SQLCatalog.Table, [String])? {
        switch plan {
        case .scan(let table, let columns, _, _): (table, columns)
        case .filter(let input, _): scanBelowFilters(input)
        default: nil
        }
    }

    static func schema(_ types: [SQLType]) -> Schema {
        Schema(types.enumerated().map { Field("c\($0)", $1.dataType) })
    }

    static func positional(_ batch: RecordBatch, _ schema: Schema) -> RecordBatch {
        RecordBatch(schema: schema, columns: batch.columns)
    }

    /// The batches of `plan`, their columns named `c0`, `c1`, … in the plan's order and typed by its types.
    public func stream(_ plan: QueryPlan) throws -> any BatchStream { try stream(plan, scanPredicates: []) }

    /// `scanPredicates`: the row-group predicates of the scan at the bottom of a chain of filters.
    func stream(_ plan: QueryPlan, scanPredicates: [ParquetPredicate]) throws -> any BatchStream {
        let schema = Self.schema(plan.types)
        switch plan {
        case .scan(let table, let columns, _, _):
            if let rows = table.rows {
                var source = try rows.take()
                let indices = try columns.map { name in
                    guard let index = rows.schema.index(of: name) else { throw SQLError("no column \(name) in input") }
                    return index
                }
                return ClosureBatchStream(schema: schema) {
                    guard let batch = try source.next() else { return nil }
                    return RecordBatch(
                        schema: schema,
                        columns: indices.map { SQLColumns.normalized(batch.columns[$0]) }
                    )
                }
            }
            return try pipeline(plan, scanPredicates: scanPredicates).serial(schema: schema)
        case .singleRow:
            return ArrayBatchStream(
                schema: schema,
                batches: [
                    RecordBatch(schema: schema, columns: [SQLColumns.constant(.boolean(true), .boolean, count: 1)])
                ]
            )
        case .filter, .project:
            return try pipeline(plan, scanPredicates: scanPredicates).serial(schema: schema)
        case .aggregate(let input, let keyCount, let aggregates):
            return try grouped(
                try pipeline(input, scanPredicates: []),
                inputTypes: input.types,
                keyCount: keyCount,
                aggregates: aggregates,
                schema: schema
            )
        case .distinct(let input):
            // The distinct rows are the groups of every column, without aggregates.
            return try grouped(
                try pipeline(input, scanPredicates: []),
                inputTypes: input.types,
                keyCount: input.types.count,
                aggregates: [],
                schema: schema
            )
        case .sort(let input, let keys):
            var source = try stream(input)
            let sorter = try ExternalSorter(
                schema: schema,
                keys: keys.map { SortKey("c\($0.column)", ascending: $0.ascending, nullsFirst: $0.nullsFirst) },
                memoryBudget: memoryBudget
            )
            var sorted: (any BatchStream)?
            return ClosureBatchStream(schema: schema) {
                if sorted == nil {
                    while let batch = try source.next() { try sorter.add(batch) }
                    sorted = try sorter.finish()
                }
                return try sorted!.next()
            }
        case .limit(let input, let count, let offset):
            var source = try stream(input)
            var skip = offset
            var left = count ?? .max
            return ClosureBatchStream(schema: schema) {
                while left > 0, var batch = try source.next() {
                    if skip > 0 {
                        let dropped = min(skip, batch.count)
                        skip -= dropped
                        batch = batch.slice(dropped..<batch.count)
                    }
                    guard batch.count > 0 else { continue }
                    if batch.count > left { batch = batch.slice(0..<left) }
                    left -= batch.count
                    return batch
                }
                return nil
            }
        case .unionAll(let left, let right):
            var first = try stream(left)
            var second = try stream(right)
            var onFirst = true
            return ClosureBatchStream(schema: schema) {
                if onFirst {
                    if let batch = try first.next() { return Self.positional(batch, schema) }
                    onFirst = false
                }
                return try second.next().map { Self.positional($0, schema) }
            }
        case .join(let left, let right, let leftKeys, let rightKeys):
            return try innerJoin(left, right, leftKeys, rightKeys, schema: schema)
        case .hashJoin(let left, let right, let leftKeys, let rightKeys, let kind, let nullAware):
            let joined = try HashJoin(
                probe: try renamed(try stream(left), prefix: "l"),
                build: try renamed(try stream(right), prefix: "r"),
                probeKeys: leftKeys.map { "l\($0)" },
                buildKeys: rightKeys.map { "r\($0)" },
                kind: kind,
                nullAwareAnti: nullAware
            )
            return ClosureBatchStream(schema: schema) { try joined.next().map { Self.positional($0, schema) } }
        case .conditionalSemiJoin(let left, let right, let leftKeys, let rightKeys, let anti, let condition):
            let pairTypes = left.types + right.types
            let joined = try HashJoin(
                probe: try renamed(try stream(left), prefix: "l"),
                build: try renamed(try stream(right), prefix: "r"),
                probeKeys: leftKeys.map { "l\($0)" },
                buildKeys: rightKeys.map { "r\($0)" },
                kind: anti ? .anti : .semi,
                residual: { pairs in
                    let mask = try ExpressionEvaluator.evaluate(
                        condition,
                        RecordBatch(schema: Self.schema(pairTypes), columns: pairs.columns)
                    )
                    let values = SQLColumns.booleans(mask)
                    return (0..<pairs.count).map { values[$0] && !mask.isNull($0) }
                }
            )
            return ClosureBatchStream(schema: schema) { try joined.next().map { Self.positional($0, schema) } }
        case .cross(let left, let right):
            var outer = try stream(left)
            var innerStream = try stream(right)
            let inner = try innerStream.collect()
            var pending: RecordBatch?
            var row = 0
            let step = max(1, 65_536 / max(inner.count, 1))
            return ClosureBatchStream(schema: schema) {
                guard inner.count > 0 else { return nil }
                while true {
                    if pending == nil || row >= pending!.count {
                        guard let batch = try outer.next() else { return nil }
                        pending = batch
                        row = 0
                        continue
                    }
                    let rows = row..<min(row + step, pending!.count)
                    row = rows.upperBound
                    var leftIndices: [Int32] = []
                    var rightIndices: [Int32] = []
                    for i in rows {
                        for j in 0..<inner.count {
                            leftIndices.append(Int32(i))
                            rightIndices.append(Int32(j))
                        }
                    }
                    let a = pending!.take(leftIndices)
                    let b = inner.take(rightIndices)
                    return RecordBatch(schema: schema, columns: a.columns + b.columns)
                }
            }
        }
    }

    /// Engine's hash group-by on the first `keyCount` columns of `input` (rows of `inputTypes`): the keys, then one
    /// column per aggregate. With no keys there is always one row; with keys, none for an empty input. Each of the
    /// pipeline's lanes groups its batches into a group-by of its own, in the input's order; their groups are then
    /// merged in lane order, so that floating-point sums come out the same in every run.
    private func grouped(
        _ input: Pipeline,
        inputTypes: [SQLType],
        keyCount: Int,
        aggregates: [PlanAggregate],
        schema: Schema
    ) throws -> any BatchStream {
        let partials = try (0..<input.lanes).map { _ in
            try GroupBy(
                keys: (0..<keyCount).map { "c\($0)" },
                aggregates: aggregates.enumerated().map { j, aggregate in
                    Aggregate(aggregate.function, aggregate.column.map { "c\($0)" }, as: "a\(j)")
                },
                inputSchema: Self.schema(inputTypes)
            )
        }
        var done = false
        return ClosureBatchStream(schema: schema) {
            guard !done else { return nil }
            done = true
            nonisolated(unsafe) let groups = partials
            try input.drain(lanes: groups.count) { lane, batch in try groups[lane].consume(batch) }
            for other in partials.dropFirst() { try partials[0].merge(other) }
            let result = partials[0].finish()
            return result.count == 0 && keyCount > 0 ? nil : Self.positional(result, schema)
        }
    }

    /// The inner equi-join's strategy, from the sizes the inputs turn out to have: when either side ends within
    /// ``hashBuildLimit`` bytes it is the build side of a ``HashJoin`` (the right one first, then the left); otherwise
    /// both go through the sort-merge join, which spills past the memory budget. Output: left columns, then right.
    private func innerJoin(
        _ left: QueryPlan,
        _ right: QueryPlan,
        _ leftKeys: [Int],
        _ rightKeys: [Int],
        schema: Schema
    ) throws -> any BatchStream {
        let limit = hashBuildLimit
        let rightSide = try Buffered(try renamed(try stream(right), prefix: "r"), limit: limit)
        let leftSide = try Buffered(try renamed(try stream(left), prefix: "l"), limit: rightSide.complete ? -1 : limit)
        let leftWidth = left.types.count
        let rightWidth = right.types.count
        if rightSide.complete || leftSide.complete {
            let buildLeft = !rightSide.complete
            let joined = try HashJoin(
                probe: buildLeft ? rightSide.stream : leftSide.stream,
                build: buildLeft ? leftSide.stream : rightSide.stream,
                probeKeys: buildLeft ? rightKeys.map { "r\($0)" } : leftKeys.map { "l\($0)" },
                buildKeys: buildLeft ? leftKeys.map { "l\($0)" } : rightKeys.map { "r\($0)" },
                kind: .inner
            )
            // A built left side comes out after the probing right side's columns.
            let order = buildLeft ? Array(rightWidth..<(rightWidth + leftWidth)) + Array(0..<rightWidth) : nil
            return ClosureBatchStream(schema: schema) {
                guard let batch = try joined.next() else { return nil }
                return RecordBatch(schema: schema, columns: order.map { $0.map { batch.columns[$0] } } ?? batch.columns)
            }
        }
        var joined = try MergeJoin.joining(
            left: leftSide.stream,
            right: rightSide.stream,
            leftKeys: leftKeys.map { "l\($0)" },
            rightKeys: rightKeys.map { "r\($0)" },
            memoryBudget: memoryBudget,
            keepRightKeys: true
        )
        // The join's columns: every left column, then every right column, in their own orders.
        let names = (0..<leftWidth).map { "l\($0)" } + (0..<rightWidth).map { "r\($0)" }
        let indices = names.map { joined.schema.index(of: $0)! }
        return ClosureBatchStream(schema: schema) {
            guard let batch = try joined.next() else { return nil }
            return RecordBatch(schema: schema, columns: indices.map { batch.columns[$0] })
        }
    }

    /// A stream read ahead until `limit` bytes or its end: ``complete`` says which, ``stream`` gives every batch.
    private struct Buffered {
        var stream: any BatchStream
        var complete: Bool

        init(_ source: any BatchStream, limit: Int) throws {
            var source = source
            var batches: [RecordBatch] = []
            var bytes = 0
            var ended = false
            while limit > 0, bytes <= limit {
                guard let batch = try source.next() else {
                    ended = true
                    break
                }
                bytes += batch.estimatedByteSize
                batches.append(batch)
            }
            complete = ended
            var index = 0
            var rest = source
            stream = ClosureBatchStream(schema: source.schema) {
                if index < batches.count {
                    index += 1
                    return batches[index - 1]
                }
                return ended ? nil : try rest.next()
            }
        }
    }

    private func renamed(_ source: any BatchStream, prefix: String) throws -> any BatchStream {
        var source = source
        let schema = Schema(source.schema.fields.enumerated().map { Field("\(prefix)\($0)", $1.type) })
        return ClosureBatchStream(schema: schema) { try source.next().map { Self.positional($0, schema) } }
    }
}
