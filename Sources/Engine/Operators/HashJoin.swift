import Columnar

/// Hash equi-join: the build side is read whole into memory and indexed by its keys (``GroupTable``: a dense id
/// per distinct key, rows bucketed by id), then the probe side streams through, a batch at a time.
///
/// Kinds: `inner`, `left` (every probe row, with nulls where nothing matched), `full` (also every build row nothing
/// matched, after the probe side ends), `semi` (probe rows with a match, once each) and `anti` (probe rows without
/// one). Rows with a null in any key never match. `nullAwareAnti` gives `NOT IN`'s rules: no row at all when the
/// build side has a null key, and a probe row with a null key is kept only when the build side is empty.
///
/// Output columns: the probe columns, then (except for `semi` and `anti`) the build columns. Key columns must have
/// the same types on both sides. Memory holds the build side and one probe batch's output.
public final class HashJoin: BatchStream {
    /// A condition on a pair of rows beyond the keys: given a batch of candidate pairs (the probe columns, then the
    /// build columns), whether each pair joins. Used by `semi` and `anti` (SQL's `EXISTS` with a `<>` correlation).
    public typealias Residual = (RecordBatch) throws -> [Bool]

    /// What a probe row without a match, and a build row never matched, become.
    public enum Kind: String, Sendable, Hashable {
        case inner, left, full, semi, anti
    }

    public let schema: Schema
    private var probe: any BatchStream
    private let probeKeys: [String]
    private let kind: Kind
    private let nullAwareAnti: Bool
    private let residual: Residual?
    private let pairSchema: Schema
    private let build: RecordBatch
    private var table = GroupTable()
    /// Build rows of group g: bucketRows[bucketStart[g] ..< bucketStart[g + 1]].
    private var bucketStart: [Int] = [0]
    private var bucketRows: [Int32] = []
    private var buildHasNullKey = false
    private var matched: [Bool]
    private var probeDone = false
    private var unmatchedEmitted = false

    /// A join of `probe` with `build` on `probeKeys[i] = buildKeys[i]`; reads `build` to its end first.
    public init(
        probe: any BatchStream,
        build: any BatchStream,
        probeKeys: [String],
        buildKeys: [String],
        kind: Kind,
        nullAwareAnti: Bool = false,
        residual: Residual? = nil
    ) throws {
        precondition(probeKeys.count == buildKeys.count && !probeKeys.isEmpty, "one build key per probe key")
        precondition(
            residual == nil || kind == .semi || kind == .anti,
            "a residual condition is for semi and anti joins"
        )
        for (p, b) in zip(probeKeys, buildKeys) {
            let probeType = probe.schema.fields[try probe.schema.requireIndex(of: p, for: "hash join")].type
            let buildType = build.schema.fields[try build.schema.requireIndex(of: b, for: "hash join")].type
            guard probeType == buildType else {
                throw OperatorError(
                    "hash join",
                    "key \"\(p)\" is \(probeType) but \"\(b)\" is \(buildType); join keys must have one type"
                )
            }
        }
        var buildStream = build
        let all = try buildStream.collect()
        self.build = all
        self.probe = probe
        self.probeKeys = probeKeys
        self.kind = kind
        self.nullAwareAnti = nullAwareAnti
        self.residual = residual
        self.pairSchema = Schema(probe.schema.fields + all.schema.fields)
        self.matched = [Bool](repeating: false, count: all.count)
        var fields = probe.schema.fields
        if kind != .semi && kind != .anti {
            for var field in all.schema.fields {
                field.isNullable = true
                fields.append(field)
            }
        }
        if kind == .left || kind == .full {
            for i in 0..<probe.schema.fields.count where kind == .full { fields[i].isNullable = true }
        }
        self.schema = Schema(fields)
        try index(buildKeys)
    }

    private func index(_ keys: [String]) throws(OperatorError) {
        guard build.count > 0 else { return }
        let normalized = try NormalizedKeys(build, names: keys, operation: "hash join")
        var rows: [Int32] = []
        rows.reserveCapacity(build.count)
        for i in 0..<build.count {
            if normalized.anyNull(i) { buildHasNullKey = true } else { rows.append(Int32(i)) }
        }
        let keyed = rows.count == build.count ? build : build.take(rows)
        let keyedKeys =
            rows.count == build.count ? normalized : try NormalizedKeys(keyed, names: keys, operation: "hash join")
        var created: [Int32] = []
        let groups = table.groupIndices(keyedKeys, rows: keyed.count, newGroupRows: &created)
        var counts = [Int](repeating: 0, count: table.groupCount + 1)
        for group in groups { counts[Int(group) + 1] += 1 }
        for g in 0..<table.groupCount { counts[g + 1] += counts[g] }
        bucketStart = counts
        var fill = counts
        bucketRows = [Int32](repeating: 0, count: keyed.count)
        for (j, group) in groups.enumerated() {
            bucketRows[fill[Int(group)]] = rows[j]
            fill[Int(group)] += 1
        }
    }

    public func next() throws -> RecordBatch? {
        while !probeDone {
            guard let batch = try probe.next() else {
                probeDone = true
                break
            }
            if let output = try join(batch), output.count > 0 { return output }
        }
        if kind == .full, !unmatchedEmitted {
            unmatchedEmitted = true
            let rows = (0..<build.count).filter { !matched[$0] }.map { Int32($0) }
            guard !rows.isEmpty else { return nil }
            let probeColumns = probe.schema.fields.map { Self.nulls($0.type, count: rows.count) }
            return RecordBatch(schema: schema, columns: probeColumns + build.take(rows).columns)
        }
        return nil
    }

    private func join(_ batch: RecordBatch) throws -> RecordBatch? {
        let n = batch.count
        let keys = try NormalizedKeys(batch, names: probeKeys, operation: "hash join")
        let groups = build.count == 0 ? [Int32](repeating: -1, count: n) : table.lookup(keys, rows: n)
        var probeRows: [Int32] = []
        var buildRows: [Int32] = []
        probeRows.reserveCapacity(n)
        switch kind {
        case .semi, .anti:
            if kind == .anti, nullAwareAnti, buildHasNullKey { return nil }
            if let residual { return try filtered(batch, keys: keys, groups: groups, residual: residual) }
            for i in 0..<n {
                let null = keys.anyNull(i)
                let hit = !null && groups[i] >= 0
                let keep: Bool
                if kind == .semi {
                    keep = hit
                } else if null && nullAwareAnti {
                    keep = build.count == 0
                } else {
                    keep = !hit
                }
                if keep { probeRows.append(Int32(i)) }
            }
            if probeRows.count == n { return RecordBatch(schema: schema, columns: batch.columns) }
            return RecordBatch(schema: schema, columns: batch.take(probeRows).columns)
        case .inner, .left, .full:
            for i in 0..<n {
                let group = keys.anyNull(i) ? -1 : Int(groups[i])
                if group >= 0 {
                    for r in bucketStart[group]..<bucketStart[group + 1] {
                        probeRows.append(Int32(i))
                        buildRows.append(bucketRows[r])
                        matched[Int(bucketRows[r])] = true
                    }
                } else if kind != .inner {
                    probeRows.append(Int32(i))
                    buildRows.append(-1)
                }
            }
        }
        guard !probeRows.isEmpty else { return nil }
        let left = batch.take(probeRows).columns
        let right = build.schema.fields.indices.map { c in Self.take(build, column: c, rows: buildRows) }
        return RecordBatch(schema: schema, columns: left + right)
    }

    /// Semi or anti join with a residual condition: a probe row matches when some build row of its key satisfies it.
    private func filtered(
        _ batch: RecordBatch,
        keys: NormalizedKeys,
        groups: [Int32],
        residual: Residual
    ) throws -> RecordBatch {
        var probeRows: [Int32] = []
        var buildRows: [Int32] = []
        for i in 0..<batch.count where !keys.anyNull(i) && groups[i] >= 0 {
            let group = Int(groups[i])
            for r in bucketStart[group]..<bucketStart[group + 1] {
                probeRows.append(Int32(i))
                buildRows.append(bucketRows[r])
            }
        }
        var hit = [Bool](repeating: false, count: batch.count)
        if !probeRows.isEmpty {
            let pairs = RecordBatch(
                schema: pairSchema,
                columns: batch.take(probeRows).columns + build.take(buildRows).columns
            )
            for (j, joins) in try residual(pairs).enumerated() where joins { hit[Int(probeRows[j])] = true }
        }
        let kept = (0..<batch.count).filter { hit[$0] == (kind == .semi) }.map { Int32($0) }
        return RecordBatch(schema: schema, columns: batch.take(kept).columns)
    }

    /// Column `c` of `batch` at `rows`, null where a row is -1.
    private static func take(_ batch: RecordBatch, column c: Int, rows: [Int32]) -> Column {
        let type = batch.schema.fields[c].type
        guard batch.count > 0 else { return nulls(type, count: rows.count) }
        guard rows.contains(-1) else { return batch.columns[c].take(rows) }
        var taken = batch.columns[c].take(rows.map { max($0, 0) })
        var validity = taken.validity ?? [Bool](repeating: true, count: rows.count)
        for (i, row) in rows.enumerated() where row < 0 { validity[i] = false }
        taken.validity = validity
        return taken
    }

    /// `count` nulls of `type`.
    static func nulls(_ type: DataType, count: Int) -> Column {
        let values: ColumnValues
        switch ColumnValues.empty(for: type) {
        case .boolean: values = .boolean([Bool](repeating: false, count: count))
        case .int32: values = .int32([Int32](repeating: 0, count: count))
        case .int64: values = .int64([Int64](repeating: 0, count: count))
        case .float: values = .float([Float](repeating: 0, count: count))
        case .double: values = .double([Double](repeating: 0, count: count))
        case .bytes: values = .bytes(ByteArrays(offsets: [Int](repeating: 0, count: count + 1), data: []))
        }
        return Column(type: type, values: values, validity: [Bool](repeating: false, count: count))
    }
}
