extension Column {
    /// The rows in `range`, copied into a new column.
    public func slice(_ range: Range<Int>) -> Column {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "slice \(range) out of 0..<\(count)")
        if range.lowerBound == 0 && range.upperBound == count { return self }
        let values: ColumnValues =
            switch self.values {
            case .boolean(let v): .boolean(Array(v[range]))
            case .int32(let v): .int32(Array(v[range]))
            case .int64(let v): .int64(Array(v[range]))
            case .float(let v): .float(Array(v[range]))
            case .double(let v): .double(Array(v[range]))
            case .bytes(let v):
                .bytes(
                    ByteArrays(
                        offsets: v.offsets[range.lowerBound...range.upperBound].map {
                            $0 - v.offsets[range.lowerBound]
                        },
                        data: Array(v.data[v.offsets[range.lowerBound]..<v.offsets[range.upperBound]])
                    )
                )
            }
        var validity = self.validity.map { Array($0[range]) }
        if let v = validity, !v.contains(false) { validity = nil }
        return Column(type: type, values: values, validity: validity)
    }

    /// The rows of `columns` one after another. All columns must have the same type; `columns` must not be empty.
    public static func concatenate(_ columns: [Column]) -> Column {
        precondition(!columns.isEmpty, "concatenate needs at least one column")
        if columns.count == 1 { return columns[0] }
        let type = columns[0].type
        let total = columns.reduce(0) { $0 + $1.count }
        let values: ColumnValues
        switch columns[0].values {
        case .boolean:
            values = .boolean(joined(columns.map { if case .boolean(let v) = $0.values { v } else { [] } }, total))
        case .int32:
            values = .int32(joined(columns.map { if case .int32(let v) = $0.values { v } else { [] } }, total))
        case .int64:
            values = .int64(joined(columns.map { if case .int64(let v) = $0.values { v } else { [] } }, total))
        case .float:
            values = .float(joined(columns.map { if case .float(let v) = $0.values { v } else { [] } }, total))
        case .double:
            values = .double(joined(columns.map { if case .double(let v) = $0.values { v } else { [] } }, total))
        case .bytes:
            let parts = columns.map { if case .bytes(let v) = $0.values { v } else { ByteArrays() } }
            var offsets = [Int]()
            offsets.reserveCapacity(total + 1)
            offsets.append(0)
            var data = [UInt8]()
            data.reserveCapacity(parts.reduce(0) { $0 + $1.data.count })
            for part in parts {
                let base = data.count
                data.append(contentsOf: part.data)
                for k in 1..<part.offsets.count { offsets.append(part.offsets[k] + base) }
            }
            values = .bytes(ByteArrays(offsets: offsets, data: data))
        }
        var validity: [Bool]? = nil
        if columns.contains(where: { $0.validity != nil }) {
            var v = [Bool]()
            v.reserveCapacity(total)
            for column in columns {
                if let own = column.validity {
                    v.append(contentsOf: own)
                } else {
                    v.append(contentsOf: repeatElement(true, count: column.count))
                }
            }
            validity = v
        }
        return Column(type: type, values: values, validity: validity)
    }

    /// An estimate of the memory the column holds, in bytes (values, offsets and validity).
    public var estimatedByteSize: Int {
        let valueBytes =
            switch values {
            case .boolean(let v): v.count
            case .int32(let v): v.count * 4
            case .int64(let v): v.count * 8
            case .float(let v): v.count * 4
            case .double(let v): v.count * 8
            case .bytes(let v): v.offsets.count * 8 + v.data.count
            }
        return valueBytes + (validity?.count ?? 0)
    }
}

private func joined<T>(_ parts: [[T]], _ total: Int) -> [T] {
    var result = [T]()
    result.reserveCapacity(total)
    for part in parts { result.append(contentsOf: part) }
    return result
}
