import Columnar

/// Building and reading columns in the storage each ``SQLType`` uses.
enum SQLColumns {
    static func int64s(_ column: Column) -> [Int64] {
        if case .int64(let values) = column.values { return values }
        preconditionFailure("expected int64 storage, found \(column.type)")
    }

    static func doubles(_ column: Column) -> [Double] {
        if case .double(let values) = column.values { return values }
        preconditionFailure("expected double storage, found \(column.type)")
    }

    static func int32s(_ column: Column) -> [Int32] {
        if case .int32(let values) = column.values { return values }
        preconditionFailure("expected int32 storage, found \(column.type)")
    }

    static func booleans(_ column: Column) -> [Bool] {
        if case .boolean(let values) = column.values { return values }
        preconditionFailure("expected boolean storage, found \(column.type)")
    }

    static func bytes(_ column: Column) -> ByteArrays {
        if case .bytes(let values) = column.values { return values }
        preconditionFailure("expected bytes storage, found \(column.type)")
    }

    /// The validity of rows valid in both.
    static func both(_ a: [Bool]?, _ b: [Bool]?) -> [Bool]? {
        guard let a else { return b }
        guard let b else { return a }
        var result = a
        for i in result.indices where !b[i] { result[i] = false }
        return result
    }

    /// A validity mask, or `nil` when every row is valid.
    static func mask(_ validity: [Bool]) -> [Bool]? { validity.contains(false) ? validity : nil }

    static func make(_ type: SQLType, _ values: ColumnValues, _ validity: [Bool]?) -> Column {
        Column(type: type.dataType, values: values, validity: validity.flatMap(mask))
    }

    /// `count` rows of `value`.
    static func constant(_ value: SQLValue, _ type: SQLType, count: Int) -> Column {
        let validity: [Bool]? = value == .null ? Array(repeating: false, count: count) : nil
        switch value {
        case .null:
            return Column(type: type.dataType, values: empty(type, count: count), validity: validity)
        case .boolean(let v): return make(type, .boolean(Array(repeating: v, count: count)), nil)
        case .bigint(let v): return make(type, .int64(Array(repeating: v, count: count)), nil)
        case .double(let v): return make(type, .double(Array(repeating: v, count: count)), nil)
        case .date(let v): return make(type, .int32(Array(repeating: v, count: count)), nil)
        case .timestamp(let v): return make(type, .int64(Array(repeating: v, count: count)), nil)
        case .varchar(let text):
            var bytes = ByteArrays(capacity: count, byteCapacity: text.utf8.count * count)
            for _ in 0..<count { bytes.append(text) }
            return make(type, .bytes(bytes), nil)
        }
    }

    /// `count` zero-valued slots of `type`'s storage.
    static func empty(_ type: SQLType, count: Int) -> ColumnValues {
        switch type {
        case .bigint, .timestamp: .int64(Array(repeating: 0, count: count))
        case .double: .double(Array(repeating: 0, count: count))
        case .boolean: .boolean(Array(repeating: false, count: count))
        case .date: .int32(Array(repeating: 0, count: count))
        case .varchar, .unknown:
            .bytes(ByteArrays(offsets: Array(repeating: 0, count: count + 1), data: []))
        }
    }

    /// Row `i` of a column of `type` as a constant.
    static func value(_ column: Column, _ type: SQLType, at i: Int) -> SQLValue {
        if column.isNull(i) { return .null }
        switch type {
        case .bigint: return .bigint(int64s(column)[i])
        case .double: return .double(doubles(column)[i])
        case .boolean: return .boolean(booleans(column)[i])
        case .date: return .date(int32s(column)[i])
        case .timestamp: return .timestamp(int64s(column)[i])
        case .varchar, .unknown: return .varchar(bytes(column).string(at: i))
        }
    }

    /// A column as read from a table, converted to the storage of its ``SQLType``.
    static func normalized(_ column: Column) -> Column {
        let type = SQLType(column.type)
        switch (column.type, column.values) {
        case (.int64, _), (.double, _), (.string, _), (.boolean, _), (.date, _):
            return column
        case (.timestamp(let unit, _), .int64(let values)):
            let factor = unit.perSecond
            let converted =
                factor == 1_000_000
                ? values : factor == 1_000 ? values.map { $0 &* 1_000 } : values.map { $0 / 1_000 }
            return make(type, .int64(converted), column.validity)
        case (.decimal(_, let scale), _):
            var doubles = [Double](repeating: 0, count: column.count)
            let divisor = (0..<scale).reduce(1.0) { value, _ in value * 10 }
            switch column.values {
            case .int32(let values): for i in values.indices { doubles[i] = Double(values[i]) / divisor }
            case .int64(let values): for i in values.indices { doubles[i] = Double(values[i]) / divisor }
            default:
                for i in 0..<column.count where !column.isNull(i) {
                    if case .decimal(let unscaled, let scale) = column.value(at: i) {
                        doubles[i] = (Double(unscaled) ?? 0) / (0..<scale).reduce(1.0) { value, _ in value * 10 }
                    }
                }
            }
            return make(type, .double(doubles), column.validity)
        case (.float, .float(let values)):
            return make(type, .double(values.map(Double.init)), column.validity)
        case (.uint64, .int64(let values)):
            return make(type, .int64(values), column.validity)
        case (_, .int32(let values)) where type == .bigint:
            let unsigned = column.type == .uint8 || column.type == .uint16 || column.type == .uint32
            return make(
                type,
                .int64(values.map { unsigned ? Int64(UInt32(bitPattern: $0)) : Int64($0) }),
                column.validity
            )
        case (.binary, _), (.fixedBinary, _):
            return Column(type: .string, values: column.values, validity: column.validity)
        default:
            return column
        }
    }
}
