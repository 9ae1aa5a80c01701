import Columnar

/// How a leaf column's values are ordered for statistics and the column index.
enum StatisticsOrder: Sendable, Hashable {
    /// false < true.
    case boolean
    /// INT32 compared as signed.
    case signedInt32
    /// INT32 compared as unsigned (UINT_8/16/32).
    case unsignedInt32
    /// INT64 compared as signed.
    case signedInt64
    /// INT64 compared as unsigned (UINT_64).
    case unsignedInt64
    case float
    case double
    /// Byte strings compared as unsigned bytes, lexicographically; `isUTF8` keeps truncation on characters.
    case unsignedBytes(isUTF8: Bool)
    /// Fixed-width big-endian two's complement (DECIMAL on FIXED_LEN_BYTE_ARRAY): signed comparison.
    case signedFixedDecimal
}

/// A leaf column as the writer sees it: its Columnar field and the Parquet schema element it maps to.
struct ColumnDescriptor: Sendable {
    /// The Columnar field.
    var field: Field
    /// The Parquet schema element (leaf).
    var element: SchemaElement
    /// The physical type.
    var physicalType: PhysicalType
    /// The byte width of FIXED_LEN_BYTE_ARRAY values.
    var typeLength: Int?
    /// Whether the column is optional (has definition levels).
    var isOptional: Bool
    /// How statistics compare values.
    var order: StatisticsOrder

    /// The column name.
    var name: String { field.name }

    /// The values a narrow integer type may hold (its storage is wider), or nil.
    var integerRange: ClosedRange<Int64>? {
        switch field.type {
        case .int8: -128...127
        case .int16: -32_768...32_767
        case .uint8: 0...255
        case .uint16: 0...65_535
        default: nil
        }
    }

    /// The byte width of a FIXED_LEN_BYTE_ARRAY holding a decimal of `precision` digits.
    static func decimalByteWidth(precision: Int) -> Int {
        // Bits for 10^precision - 1 plus a sign bit, rounded up to bytes.
        let bits = (Double(precision) * 3.321928094887362).rounded(.up) + 1
        return Int((bits / 8).rounded(.up))
    }

    /// Maps a Columnar field to its Parquet leaf: physical type, LogicalType, ConvertedType, repetition.
    init(field: Field) throws(ParquetError) {
        self.field = field
        isOptional = field.isNullable
        var element = SchemaElement(repetitionType: field.isNullable ? .optional : .required, name: field.name)
        var typeLength: Int?
        let physical: PhysicalType
        let order: StatisticsOrder
        func integer(_ bits: Int8, signed: Bool, _ converted: ConvertedType) {
            element.logicalType = .integer(bitWidth: bits, isSigned: signed)
            element.convertedType = converted
        }
        switch field.type {
        case .boolean:
            physical = .boolean
            order = .boolean
        case .int8:
            physical = .int32
            order = .signedInt32
            integer(8, signed: true, .int8)
        case .int16:
            physical = .int32
            order = .signedInt32
            integer(16, signed: true, .int16)
        case .int32:
            physical = .int32
            order = .signedInt32
            integer(32, signed: true, .int32)
        case .uint8:
            physical = .int32
            order = .unsignedInt32
            integer(8, signed: false, .uint8)
        case .uint16:
            physical = .int32
            order = .unsignedInt32
            integer(16, signed: false, .uint16)
        case .uint32:
            physical = .int32
            order = .unsignedInt32
            integer(32, signed: false, .uint32)
        case .int64:
            physical = .int64
            order = .signedInt64
            integer(64, signed: true, .int64)
        case .uint64:
            physical = .int64
            order = .unsignedInt64
            integer(64, signed: false, .uint64)
        case .float:
            physical = .float
            order = .float
        case .double:
            physical = .double
            order = .double
        case .date:
            physical = .int32
            order = .signedInt32
            element.logicalType = .date
            element.convertedType = .date
        case .timestamp(let unit, let utc):
            physical = .int64
            order = .signedInt64
            switch unit {
            case .milliseconds:
                element.logicalType = .timestamp(isAdjustedToUTC: utc, unit: .millis)
                // The legacy annotation means "UTC-adjusted"; local timestamps get the logical type only.
                if utc { element.convertedType = .timestampMillis }
            case .microseconds:
                element.logicalType = .timestamp(isAdjustedToUTC: utc, unit: .micros)
                if utc { element.convertedType = .timestampMicros }
            case .nanoseconds:
                element.logicalType = .timestamp(isAdjustedToUTC: utc, unit: .nanos)
            }
        case .decimal(let precision, let scale):
            guard precision >= 1, scale >= 0, scale <= precision else {
                throw ParquetError(
                    .invalidArgument,
                    "decimal(\(precision), \(scale)) needs 1 <= precision and 0 <= scale <= precision",
                    column: field.name
                )
            }
            element.logicalType = .decimal(scale: Int32(scale), precision: Int32(precision))
            element.convertedType = .decimal
            element.scale = Int32(scale)
            element.precision = Int32(precision)
            switch ColumnValues.empty(for: field.type) {
            case .int32:
                physical = .int32
                order = .signedInt32
            case .int64:
                physical = .int64
                order = .signedInt64
            default:
                physical = .fixedLenByteArray
                order = .signedFixedDecimal
                typeLength = Self.decimalByteWidth(precision: precision)
            }
        case .string:
            physical = .byteArray
            order = .unsignedBytes(isUTF8: true)
            element.logicalType = .string
            element.convertedType = .utf8
        case .binary:
            physical = .byteArray
            order = .unsignedBytes(isUTF8: false)
        case .fixedBinary(let width):
            guard width >= 1 else {
                throw ParquetError(
                    .invalidArgument,
                    "fixed_binary(\(width)) needs a width of at least 1",
                    column: field.name
                )
            }
            physical = .fixedLenByteArray
            order = .unsignedBytes(isUTF8: false)
            typeLength = width
        }
        element.type = physical
        element.typeLength = typeLength.map { Int32($0) }
        self.element = element
        self.physicalType = physical
        self.typeLength = typeLength
        self.order = order
    }
}
