import Columnar

extension ParquetReader {
    /// The indices of the row groups that may hold rows matching `predicate`, judged by their statistics.
    ///
    /// - Throws: ``ParquetError`` when the predicate names no column of the file.
    public func rowGroups(matching predicate: ParquetPredicate?) throws -> [Int] {
        guard let predicate else { return Array(metadata.rowGroups.indices) }
        let leaf = try leaves(for: [predicate.column])[0]
        return metadata.rowGroups.indices.filter { mayMatch(predicate, leaf: leaf, rowGroup: $0) }
    }

    /// Whether row group `index` may hold a row matching `predicate`; false only when its statistics prove none.
    func mayMatch(_ predicate: ParquetPredicate, leaf: LeafColumn, rowGroup index: Int) -> Bool {
        let group = metadata.rowGroups[index]
        if group.numRows == 0 { return false }
        guard let meta = group.columns[leaf.index].metaData, let statistics = meta.statistics else { return true }
        let rows = group.numRows
        let nullCount = statistics.nullCount
        switch predicate.op {
        case .isNull: return nullCount.map { $0 > 0 } ?? true
        case .isNotNull: return nullCount.map { $0 < rows } ?? true
        default: break
        }
        // A comparison never matches a null; a chunk of nulls only matches nothing.
        if let nullCount, nullCount >= rows { return false }
        guard let bounds = statisticsBounds(statistics, leaf: leaf),
            let literal = StatisticValue(literal: predicate.value, for: leaf)
        else { return true }
        guard let lower = literal.compare(to: bounds.min), let upper = literal.compare(to: bounds.max) else {
            return true
        }
        // lower: literal vs min; upper: literal vs max.
        switch predicate.op {
        case .equal: return lower != .less && upper != .greater
        case .notEqual:
            // NaN is unequal to everything but is left out of float bounds: prune only when none is present.
            let noNaN = !(leaf.physicalType == .float || leaf.physicalType == .double) || statistics.nanCount == 0
            return !(lower == .equal && upper == .equal && bounds.exact && noNaN)
        case .less: return lower == .greater  // some value < literal needs min < literal
        case .lessOrEqual: return lower != .less
        case .greater: return upper == .less
        case .greaterOrEqual: return upper != .greater
        case .isNull, .isNotNull: return true
        }
    }

    /// The min/max of a chunk in comparable form, or nil when absent or not trustworthy for this column.
    func statisticsBounds(
        _ statistics: Statistics,
        leaf: LeafColumn
    ) -> (min: StatisticValue, max: StatisticValue, exact: Bool)? {
        // min_value/max_value follow the column order; the deprecated min/max are signed and only usable for
        // types whose order is signed anyway.
        let order = metadata.columnOrders.flatMap { leaf.index < $0.count ? $0[leaf.index] : nil }
        var minBytes = statistics.minValue
        var maxBytes = statistics.maxValue
        if case .other = order { return nil }
        if leaf.physicalType == .int96 { return nil }
        // FLOAT16's statistics are 2-byte halves, not comparable as the `float` it is read as.
        if leaf.physicalType == .fixedLenByteArray, leaf.field.type == .float { return nil }
        if minBytes == nil || maxBytes == nil {
            guard StatisticValue.legacyStatisticsAreSigned(leaf) else { return nil }
            minBytes = statistics.min
            maxBytes = statistics.max
        }
        guard let minBytes, let maxBytes, let min = StatisticValue(plain: minBytes, for: leaf),
            let max = StatisticValue(plain: maxBytes, for: leaf)
        else { return nil }
        let exact = (statistics.isMinValueExact ?? true) && (statistics.isMaxValueExact ?? true)
        return (min, max, exact)
    }

    /// Batches of the row groups that may match `predicate`, one batch per row group, with only `columns`.
    ///
    /// The file is read lazily, one row group at a time; iteration stops after the first error.
    public func batches(columns: [String]? = nil, where predicate: ParquetPredicate? = nil) -> ParquetBatches {
        ParquetBatches(reader: self, columns: columns, predicate: predicate)
    }
}

/// A statistics bound or a literal, in a form where the column's sort order is the natural order.
enum StatisticValue {
    case signed(Int64)
    case unsigned(UInt64)
    case real(Double)
    case bytes([UInt8])

    enum Comparison { case less, equal, greater }

    /// Whether the deprecated (signed-order) min/max may be used for the column.
    static func legacyStatisticsAreSigned(_ leaf: LeafColumn) -> Bool {
        switch leaf.field.type {
        case .boolean, .int8, .int16, .int32, .int64, .date, .timestamp, .float, .double: true
        default: false
        }
    }

    /// Decodes a PLAIN-encoded statistic (byte arrays without their length prefix).
    init?(plain bytes: [UInt8], for leaf: LeafColumn) {
        func little<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard bytes.count == MemoryLayout<T>.size else { return nil }
            var value: T = 0
            for (i, byte) in bytes.enumerated() { value |= T(truncatingIfNeeded: byte) << (8 * i) }
            return value
        }
        switch (leaf.physicalType, leaf.field.type) {
        case (.boolean, _):
            guard bytes.count == 1 else { return nil }
            self = .signed(Int64(bytes[0] & 1))
        case (.int32, .uint8), (.int32, .uint16), (.int32, .uint32):
            guard let v = little(UInt32.self) else { return nil }
            self = .unsigned(UInt64(v))
        case (.int32, .decimal):
            guard let v = little(Int32.self) else { return nil }
            self = .signed(Int64(v))
        case (.int64, .decimal):
            guard let v = little(Int64.self) else { return nil }
            self = .signed(v)
        case (.fixedLenByteArray, .decimal), (.byteArray, .decimal):
            // Big-endian two's complement; compared as an integer when it fits 64 bits.
            guard let first = bytes.first else { return nil }
            let sign: UInt8 = first & 0x80 != 0 ? 0xFF : 0
            let significant = bytes.drop { $0 == sign }
            guard significant.count < 8 || (significant.count == 8 && significant.first! & 0x80 == sign & 0x80)
            else { return nil }
            var value: Int64 = sign == 0xFF ? -1 : 0  // sign-extended as the bytes shift in
            for byte in bytes.suffix(8) { value = value << 8 | Int64(byte) }
            self = .signed(value)
        case (.int32, _):
            guard let v = little(Int32.self) else { return nil }
            self = .signed(Int64(v))
        case (.int64, .uint64):
            guard let v = little(UInt64.self) else { return nil }
            self = .unsigned(v)
        case (.int64, _):
            guard let v = little(Int64.self) else { return nil }
            self = .signed(v)
        case (.float, _):
            guard let v = little(UInt32.self) else { return nil }
            let f = Float(bitPattern: v)
            if f.isNaN { return nil }
            self = .real(Double(f))
        case (.double, _):
            guard let v = little(UInt64.self) else { return nil }
            let d = Double(bitPattern: v)
            if d.isNaN { return nil }
            self = .real(d)
        case (.byteArray, _), (.fixedLenByteArray, _):
            self = .bytes(bytes)
        case (.int96, _):
            return nil
        }
    }

    /// Converts a predicate literal to the column's domain, or nil when it cannot be compared.
    init?(literal: Value, for leaf: LeafColumn) {
        switch (literal, leaf.field.type) {
        case (.boolean(let b), .boolean): self = .signed(b ? 1 : 0)
        case (.int(let i), .int8), (.int(let i), .int16), (.int(let i), .int32), (.int(let i), .int64):
            self = .signed(i)
        case (.uint(let u), .int8), (.uint(let u), .int16), (.uint(let u), .int32), (.uint(let u), .int64):
            guard let i = Int64(exactly: u) else { return nil }
            self = .signed(i)
        case (.int(let i), .uint8), (.int(let i), .uint16), (.int(let i), .uint32), (.int(let i), .uint64):
            guard i >= 0 else { return nil }
            self = .unsigned(UInt64(i))
        case (.uint(let u), .uint8), (.uint(let u), .uint16), (.uint(let u), .uint32), (.uint(let u), .uint64):
            self = .unsigned(u)
        case (.int(let i), .float), (.int(let i), .double): self = .real(Double(i))
        case (.uint(let u), .float), (.uint(let u), .double): self = .real(Double(u))
        case (.double(let d), .float), (.double(let d), .double):
            guard !d.isNaN else { return nil }
            self = .real(d)
        case (.float(let f), .float), (.float(let f), .double):
            guard !f.isNaN else { return nil }
            self = .real(Double(f))
        case (.date(let d), .date): self = .signed(Int64(d))
        case (.int(let i), .date): self = .signed(i)
        case (.timestamp(let v, let unit, _), .timestamp(let columnUnit, _)):
            // Converted to the column's unit when that is exact.
            if columnUnit.perSecond >= unit.perSecond {
                let (value, overflow) = v.multipliedReportingOverflow(by: columnUnit.perSecond / unit.perSecond)
                guard !overflow else { return nil }
                self = .signed(value)
            } else {
                let ratio = unit.perSecond / columnUnit.perSecond
                guard v % ratio == 0 else { return nil }
                self = .signed(v / ratio)
            }
        case (.decimal(let unscaled, let scale), .decimal(_, let columnScale)):
            // Exact only when the literal's scale can be raised to the column's.
            guard scale <= columnScale, let digits = Int64(unscaled),
                let value = Self.scaled(digits, by: columnScale - scale)
            else { return nil }
            self = .signed(value)
        case (.int(let i), .decimal(_, let columnScale)):
            guard let value = Self.scaled(i, by: columnScale) else { return nil }
            self = .signed(value)
        case (.string(let s), .string), (.string(let s), .binary): self = .bytes(Array(s.utf8))
        case (.bytes(let b), .string), (.bytes(let b), .binary), (.bytes(let b), .fixedBinary): self = .bytes(b)
        default: return nil
        }
    }

    /// `value × 10^digits`, or nil when it overflows.
    static func scaled(_ value: Int64, by digits: Int) -> Int64? {
        var result = value
        for _ in 0..<digits {
            let (product, overflow) = result.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            result = product
        }
        return result
    }

    /// How `self` compares with `other` (nil when they are of different domains).
    func compare(to other: StatisticValue) -> Comparison? {
        func order<T: Comparable>(_ a: T, _ b: T) -> Comparison { a < b ? .less : a == b ? .equal : .greater }
        switch (self, other) {
        case (.signed(let a), .signed(let b)): return order(a, b)
        case (.unsigned(let a), .unsigned(let b)): return order(a, b)
        case (.real(let a), .real(let b)): return order(a, b)
        case (.bytes(let a), .bytes(let b)):
            // Unsigned lexicographic order.
            for (x, y) in zip(a, b) where x != y { return x < y ? .less : .greater }
            return order(a.count, b.count)
        default: return nil
        }
    }
}
