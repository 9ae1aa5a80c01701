import Columnar

/// A column held compactly while it waits to be joined: integers are stored as unsigned offsets from the
/// column's minimum in 1, 2 or 4 bytes when their range allows (frame of reference), other columns as they are.
///
/// Measures such as counts and visits span a few thousand values, so an `int64` column usually takes 2 bytes a
/// row instead of 8. ``PartitionedMergeJoin`` holds the right input in this form, split by key range.
struct PackedColumn: Sendable {
    enum Storage: Sendable {
        case plain(ColumnValues)
        case narrow8([UInt8], base: Int64)
        case narrow16([UInt16], base: Int64)
        case narrow32([UInt32], base: Int64)
    }

    let type: DataType
    let storage: Storage
    let validity: [Bool]?

    /// The memory held, in bytes.
    var byteSize: Int {
        let values =
            switch storage {
            case .plain(let v): Column(type: type, values: v).estimatedByteSize
            case .narrow8(let v, _): v.count
            case .narrow16(let v, _): v.count * 2
            case .narrow32(let v, _): v.count * 4
            }
        return values + (validity?.count ?? 0)
    }

    /// The rows of `column` listed in `rows`, in that order, packed.
    ///
    /// `destinations[i]` is where source row `i` goes (negative: dropped), and `rows` lists the source row of each
    /// destination `0 ..< rows.count` (the inverse). Fixed-width values are scattered in one pass over the source
    /// (sequential reads), byte arrays gathered by `rows`.
    static func scattering(
        _ column: Column,
        rows: UnsafeBufferPointer<Int32>,
        destinations: UnsafeBufferPointer<Int32>
    ) -> PackedColumn {
        func scatter<T>(_ source: UnsafeBufferPointer<T>) -> [T] {
            [T](unsafeUninitializedCapacity: rows.count) { buffer, initialized in
                let base = buffer.baseAddress!
                for i in 0..<source.count {
                    let d = Int(destinations[i])
                    if d >= 0 { (base + d).initialize(to: source[i]) }
                }
                initialized = rows.count
            }
        }
        func narrowed<T: FixedWidthInteger & SignedInteger>(_ values: [T]) -> Storage {
            values.withUnsafeBufferPointer { source in
                guard let (base, width) = frameOfReference(source) else {
                    return .plain(ColumnValues.wrap(scatter(source)))
                }
                func pack<U: FixedWidthInteger & UnsignedInteger>(_: U.Type) -> [U] {
                    [U](unsafeUninitializedCapacity: rows.count) { buffer, initialized in
                        let out = buffer.baseAddress!
                        for i in 0..<source.count {
                            let d = Int(destinations[i])
                            if d >= 0 { (out + d).initialize(to: U(truncatingIfNeeded: Int64(source[i]) &- base)) }
                        }
                        initialized = rows.count
                    }
                }
                switch width {
                case 1: return .narrow8(pack(UInt8.self), base: base)
                case 2: return .narrow16(pack(UInt16.self), base: base)
                default: return .narrow32(pack(UInt32.self), base: base)
                }
            }
        }
        let storage: Storage =
            switch column.values {
            case .int64(let v): narrowed(v)
            case .int32(let v): narrowed(v)
            case .boolean(let v): .plain(.boolean(v.withUnsafeBufferPointer { scatter($0) }))
            case .float(let v): .plain(.float(v.withUnsafeBufferPointer { scatter($0) }))
            case .double(let v): .plain(.double(v.withUnsafeBufferPointer { scatter($0) }))
            case .bytes: .plain(column.take(rows).values)
            }
        return PackedColumn(
            type: column.type,
            storage: storage,
            validity: column.validity.map { v in v.withUnsafeBufferPointer { scatter($0) } }
        )
    }

    /// Every row of `column`, in order, packed.
    static func packing(_ column: Column) -> PackedColumn {
        let identity = [Int32](unsafeUninitializedCapacity: column.count) { buffer, initialized in
            for i in 0..<column.count { buffer[i] = Int32(truncatingIfNeeded: i) }
            initialized = column.count
        }
        return identity.withUnsafeBufferPointer { scattering(column, rows: $0, destinations: $0) }
    }

    /// The frame of reference of `values`: their minimum and the bytes (1, 2 or 4) that every offset from it fits
    /// in, or `nil` when that is no narrower than the values themselves (or `values` is empty).
    static func frameOfReference<T: FixedWidthInteger & SignedInteger>(
        _ values: UnsafeBufferPointer<T>
    ) -> (base: Int64, width: Int)? {
        guard var low = values.first else { return nil }
        var high = low
        for v in values {
            low = Swift.min(low, v)
            high = Swift.max(high, v)
        }
        let (span, overflow) = Int64(high).subtractingReportingOverflow(Int64(low))
        if overflow { return nil }
        let width =
            span <= Int64(UInt8.max) ? 1 : span <= Int64(UInt16.max) ? 2 : span <= Int64(UInt32.max) ? 4 : 8
        return width < MemoryLayout<T>.size ? (Int64(low), width) : nil
    }

    /// Rows `range` of each piece, one piece after another, unpacked into a plain column.
    static func concatenate(_ pieces: [(column: PackedColumn, rows: Range<Int>)], type: DataType) -> Column {
        let total = pieces.reduce(0) { $0 + $1.rows.count }
        guard let first = pieces.first else { return Column(type: type, values: ColumnValues.empty(for: type)) }
        if case .plain = first.column.storage,
            pieces.allSatisfy({ if case .plain = $0.column.storage { true } else { false } })
        {
            return Column.concatenate(
                pieces.map { piece -> Column in
                    guard case .plain(let values) = piece.column.storage else { fatalError("unreachable") }
                    return Column(type: type, values: values, validity: piece.column.validity).slice(piece.rows)
                }
            )
        }
        // Packed integers (each piece may have its own width and base): widen into one array.
        func widen<T: FixedWidthInteger>(_: T.Type) -> [T] {
            [T](unsafeUninitializedCapacity: total) { buffer, initialized in
                var at = buffer.baseAddress!
                for (column, rows) in pieces {
                    func copy<U: FixedWidthInteger>(_ values: [U], _ base: Int64) {
                        values.withUnsafeBufferPointer { v in
                            for i in rows {
                                at.initialize(to: T(truncatingIfNeeded: base &+ Int64(v[i])))
                                at += 1
                            }
                        }
                    }
                    switch column.storage {
                    case .narrow8(let v, let base): copy(v, base)
                    case .narrow16(let v, let base): copy(v, base)
                    case .narrow32(let v, let base): copy(v, base)
                    case .plain(.int64(let v)): copy(v, 0)
                    case .plain(.int32(let v)): copy(v, 0)
                    case .plain: preconditionFailure("a packed column mixes integer and other storage")
                    }
                }
                initialized = total
            }
        }
        let values: ColumnValues =
            switch ColumnValues.empty(for: type) {
            case .int64: .int64(widen(Int64.self))
            case .int32: .int32(widen(Int32.self))
            default: preconditionFailure("only integer columns are packed")
            }
        var validity: [Bool]? = nil
        if pieces.contains(where: { $0.column.validity != nil }) {
            var v: [Bool] = []
            v.reserveCapacity(total)
            for (column, rows) in pieces {
                if let own = column.validity {
                    v.append(contentsOf: own[rows])
                } else {
                    v.append(contentsOf: repeatElement(true, count: rows.count))
                }
            }
            validity = v
        }
        return Column(type: type, values: values, validity: validity)
    }
}

extension ColumnValues {
    /// Integer values of either width as column values.
    fileprivate static func wrap<T>(_ values: [T]) -> ColumnValues {
        if let v = values as? [Int64] { return .int64(v) }
        if let v = values as? [Int32] { return .int32(v) }
        preconditionFailure("only Int32 and Int64 are wrapped")
    }
}
