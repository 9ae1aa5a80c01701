import Columnar

/// Which part of a split aggregation a group-by computes, so that one aggregation can run as many partial runs
/// (one per partition of the input, on any worker) and one final run over their outputs, with exactly the
/// result one complete run gives.
///
/// A partial run writes each aggregate's *state* under the aggregate's name: a count for `count` and `count(*)`,
/// the sum for `sum`, the minimum or maximum for `min` and `max`, and for `avg` two columns, `<name>__sum` and
/// `<name>__count`. The final run, given the same list of aggregates, reads those columns: it adds up counts and
/// sums, takes the minimum of minima and the maximum of maxima, and divides the summed sums by the summed counts
/// for `avg`. Its output has the complete run's columns, types and nullability.
///
/// Integer sums stay exact (`int64`, overflow an error), so integer `sum`, `count`, `min`, `max` and `avg`
/// equal the complete run's to the bit. A `double` sum or average adds the same values in another order, so it
/// can differ from the complete run's in the last bits.
public enum AggregatePhase: String, Sendable, Hashable, CaseIterable {
    /// The whole aggregation in one run.
    case complete
    /// Each aggregate's state, to be merged by a ``final`` run.
    case partial
    /// The merge of ``partial`` runs' outputs into the aggregates.
    case final

    /// The suffix of the column that holds an `avg`'s partial sum.
    public static let averageSumSuffix = "__sum"
    /// The suffix of the column that holds an `avg`'s partial count.
    public static let averageCountSuffix = "__count"
}

/// A group-by in any ``AggregatePhase``: the aggregates it really computes, and the step that turns their output
/// into the phase's output.
public struct PhasedGroupBy {
    /// The phase.
    public let phase: AggregatePhase
    /// The group-by that runs.
    public let groupBy: GroupBy
    /// The output schema of the phase.
    public let outputSchema: Schema
    private let keyCount: Int
    private let outputs: [Output]

    /// How one output column comes out of the group-by's columns.
    private enum Output {
        /// The group-by's column at this index, with this field.
        case column(Int, Field)
        /// A summed count at this index, 0 where no partial row had one (a global aggregate over no partials).
        case count(Int, Field)
        /// The quotient of two of the group-by's columns (summed sums by summed counts), null where the count is 0.
        case average(sum: Int, count: Int, Field)
    }

    /// A group-by on `keys` computing `aggregates` in `phase` over rows of `inputSchema`. For ``AggregatePhase/final``,
    /// `inputSchema` is a partial run's output.
    public init(
        keys: [String],
        aggregates: [Aggregate],
        phase: AggregatePhase,
        inputSchema: Schema
    ) throws(OperatorError) {
        self.phase = phase
        self.keyCount = keys.count
        var computed: [Aggregate] = []
        var plan: [(Aggregate, [Int])] = []
        for aggregate in aggregates {
            let first = computed.count
            switch (phase, aggregate.function) {
            case (.complete, _):
                computed.append(aggregate)
            case (.partial, .avg):
                computed.append(Aggregate(.sum, aggregate.column, as: aggregate.name + AggregatePhase.averageSumSuffix))
                computed.append(
                    Aggregate(.count, aggregate.column, as: aggregate.name + AggregatePhase.averageCountSuffix)
                )
            case (.partial, _):
                computed.append(aggregate)
            case (.final, .countAll), (.final, .count), (.final, .sum):
                try Self.requirePartial(aggregate.name, in: inputSchema)
                computed.append(Aggregate(.sum, aggregate.name, as: aggregate.name))
            case (.final, .min), (.final, .max):
                try Self.requirePartial(aggregate.name, in: inputSchema)
                computed.append(Aggregate(aggregate.function, aggregate.name, as: aggregate.name))
            case (.final, .avg):
                let sum = aggregate.name + AggregatePhase.averageSumSuffix
                let count = aggregate.name + AggregatePhase.averageCountSuffix
                try Self.requirePartial(sum, in: inputSchema)
                try Self.requirePartial(count, in: inputSchema)
                computed.append(Aggregate(.sum, sum, as: sum))
                computed.append(Aggregate(.sum, count, as: count))
            }
            plan.append((aggregate, Array(first..<computed.count)))
        }
        let groupBy = try GroupBy(keys: keys, aggregates: computed, inputSchema: inputSchema)
        self.groupBy = groupBy
        let fields = groupBy.outputSchema.fields
        var outputs: [Output] = (0..<keys.count).map { .column($0, fields[$0]) }
        for (aggregate, columns) in plan {
            let indices = columns.map { keys.count + $0 }
            switch (phase, aggregate.function) {
            case (.final, .avg):
                outputs.append(.average(sum: indices[0], count: indices[1], Field(aggregate.name, .double)))
            case (.final, .countAll), (.final, .count):
                var field = fields[indices[0]]
                field.isNullable = false
                outputs.append(.count(indices[0], field))
            default:
                outputs.append(contentsOf: indices.map { .column($0, fields[$0]) })
            }
        }
        self.outputs = outputs
        self.outputSchema = Schema(
            outputs.map {
                switch $0 {
                case .column(_, let field), .count(_, let field), .average(_, _, let field): field
                }
            }
        )
    }

    /// Adds the rows of `batch` to their groups.
    public func consume(_ batch: RecordBatch) throws(OperatorError) {
        try groupBy.consume(batch)
    }

    /// One row per group, in the phase's output schema.
    public func finish() -> RecordBatch {
        let result = groupBy.finish()
        guard phase == .final else { return result }
        let columns = outputs.map { output -> Column in
            switch output {
            case .column(let index, _):
                return result.columns[index]
            case .count(let index, _):
                let column = result.columns[index]
                guard let validity = column.validity, case .int64(let counts) = column.values else { return column }
                let filled = zip(counts, validity).map { $1 ? $0 : 0 }
                return Column(type: .int64, values: .int64(filled))
            case .average(let sumIndex, let countIndex, _):
                return Self.quotient(result.columns[sumIndex], result.columns[countIndex])
            }
        }
        return RecordBatch(schema: outputSchema, columns: columns)
    }

    private static func requirePartial(_ name: String, in schema: Schema) throws(OperatorError) {
        guard schema.index(of: name) == nil else { return }
        throw OperatorError(
            "aggregate",
            "the final phase needs the partial column \"\(name)\", which the input lacks "
                + "(columns: \(schema.names.joined(separator: ", "))); is the input a partial aggregate's output?"
        )
    }

    /// `sum / count` row by row as doubles; null where the count is null or 0.
    private static func quotient(_ sum: Column, _ count: Column) -> Column {
        let counts: [Int64]
        if case .int64(let values) = count.values { counts = values } else { counts = [] }
        let sums: [Double]
        switch sum.values {
        case .int64(let values): sums = values.map(Double.init)
        case .double(let values): sums = values
        default: sums = Array(repeating: 0, count: counts.count)
        }
        var validity = [Bool](repeating: true, count: counts.count)
        var quotients = [Double](repeating: 0, count: counts.count)
        for row in 0..<counts.count {
            let present = counts[row] > 0 && (sum.validity?[row] ?? true) && (count.validity?[row] ?? true)
            validity[row] = present
            if present { quotients[row] = sums[row] / Double(counts[row]) }
        }
        return Column(type: .double, values: .double(quotients), validity: validity.contains(false) ? validity : nil)
    }
}
