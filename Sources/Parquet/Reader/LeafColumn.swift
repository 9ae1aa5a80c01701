import Columnar

/// A leaf column of a flat Parquet schema, with everything the reader needs to decode it.
struct LeafColumn: Sendable {
    /// The position among the leaves (and in every row group's column list).
    var index: Int
    /// The schema element.
    var element: SchemaElement
    /// The physical type.
    var physicalType: PhysicalType
    /// The value width of FIXED_LEN_BYTE_ARRAY columns, else 0.
    var typeLength: Int
    /// 1 for optional columns, 0 for required ones.
    var maxDefinitionLevel: Int
    /// The field in the Columnar schema.
    var field: Field

    var name: String { field.name }
}

extension LeafColumn {
    /// Maps the schema of a flat file to leaf columns. Nested schemas are rejected.
    static func leaves(of schema: [SchemaElement]) throws -> [LeafColumn] {
        guard let root = schema.first else {
            throw ParquetError(.invalidMetadata, "the schema is empty (it needs at least its root)")
        }
        let childCount = Int(root.numChildren ?? 0)
        guard childCount == schema.count - 1 else {
            // Either the tree is nested (a child has children) or the counts are inconsistent.
            if let group = schema.dropFirst().first(where: { ($0.numChildren ?? 0) > 0 || $0.type == nil }) {
                throw ParquetError(
                    .unsupported,
                    "column '\(group.name)' is a nested group; only flat schemas are supported",
                    column: group.name
                )
            }
            throw ParquetError(
                .invalidMetadata,
                "the schema root declares \(childCount) children but the schema lists \(schema.count - 1) elements"
            )
        }
        var leaves: [LeafColumn] = []
        leaves.reserveCapacity(childCount)
        for (i, element) in schema.dropFirst().enumerated() {
            guard let physical = element.type, (element.numChildren ?? 0) == 0 else {
                throw ParquetError(
                    .unsupported,
                    "column '\(element.name)' is a nested group; only flat schemas are supported",
                    column: element.name
                )
            }
            let repetition = element.repetitionType ?? .optional
            guard repetition == .required || repetition == .optional else {
                throw ParquetError(
                    .unsupported,
                    "column '\(element.name)' is \(repetition); only flat (required or optional) columns are supported",
                    column: element.name
                )
            }
            var typeLength = 0
            if physical == .fixedLenByteArray {
                guard let length = element.typeLength, length > 0 else {
                    throw ParquetError(
                        .invalidMetadata,
                        "FIXED_LEN_BYTE_ARRAY column '\(element.name)' has no positive type_length",
                        column: element.name
                    )
                }
                typeLength = Int(length)
            }
            let type = try dataType(of: element, physical: physical)
            leaves.append(
                LeafColumn(
                    index: i,
                    element: element,
                    physicalType: physical,
                    typeLength: typeLength,
                    maxDefinitionLevel: repetition == .optional ? 1 : 0,
                    field: Field(element.name, type, isNullable: repetition == .optional)
                )
            )
        }
        return leaves
    }

    /// The Columnar type of a leaf, from its logical type, else its converted type, else its physical type.
    static func dataType(of element: SchemaElement, physical: PhysicalType) throws -> DataType {
        func decimal(_ precision: Int32?, _ scale: Int32?) throws -> DataType {
            let scale = scale ?? 0
            guard let precision, precision > 0, scale >= 0, scale <= precision else {
                throw ParquetError(
                    .invalidMetadata,
                    "DECIMAL column '\(element.name)' has an invalid precision \(precision.map(String.init) ?? "(none)") "
                        + "or scale \(scale)",
                    column: element.name
                )
            }
            // The most decimal digits that the physical type can hold.
            let maximum: Int
            switch physical {
            case .int32: maximum = 9
            case .int64: maximum = 18
            case .fixedLenByteArray:
                let bits = Double(min(Int(element.typeLength ?? 0), 4096) * 8 - 1)
                maximum = Int((bits * 0.301_029_995_663_981_2).rounded(.down))
            default: maximum = Int(Int32.max)
            }
            guard Int(precision) <= maximum else {
                throw ParquetError(
                    .invalidMetadata,
                    "DECIMAL(\(precision), \(scale)) column '\(element.name)' does not fit its physical type \(physical)",
                    column: element.name
                )
            }
            return .decimal(precision: Int(precision), scale: Int(scale))
        }

        if let logical = element.logicalType {
            switch (logical, physical) {
            case (.string, .byteArray), (.enum, .byteArray), (.json, .byteArray): return .string
            case (.decimal(let scale, let precision), .int32), (.decimal(let scale, let precision), .int64),
                (.decimal(let scale, let precision), .fixedLenByteArray),
                (.decimal(let scale, let precision), .byteArray):
                return try decimal(precision, scale)
            case (.date, .int32): return .date
            // FLOAT16 is read as `float`: Columnar has no half-precision type, and every half fits a float exactly.
            case (.float16, .fixedLenByteArray) where element.typeLength == 2: return .float
            case (.integer(let width, let signed), .int32):
                switch width {
                case 8: return signed ? .int8 : .uint8
                case 16: return signed ? .int16 : .uint16
                case 32: return signed ? .int32 : .uint32
                default: break
                }
            case (.integer(64, let signed), .int64): return signed ? .int64 : .uint64
            case (.timestamp(let utc, let unit), .int64):
                switch unit {
                case .millis: return .timestamp(.milliseconds, isAdjustedToUTC: utc)
                case .micros: return .timestamp(.microseconds, isAdjustedToUTC: utc)
                case .nanos: return .timestamp(.nanoseconds, isAdjustedToUTC: utc)
                }
            default: break
            }
        } else if let converted = element.convertedType {
            switch (converted, physical) {
            case (.utf8, .byteArray), (.enum, .byteArray), (.json, .byteArray): return .string
            case (.decimal, .int32), (.decimal, .int64), (.decimal, .fixedLenByteArray), (.decimal, .byteArray):
                return try decimal(element.precision, element.scale)
            case (.date, .int32): return .date
            case (.int8, .int32): return .int8
            case (.int16, .int32): return .int16
            case (.int32, .int32): return .int32
            case (.uint8, .int32): return .uint8
            case (.uint16, .int32): return .uint16
            case (.uint32, .int32): return .uint32
            case (.int64, .int64): return .int64
            case (.uint64, .int64): return .uint64
            // Legacy timestamps are instants (isAdjustedToUTC = true), as LogicalTypes.md specifies.
            case (.timestampMillis, .int64): return .timestamp(.milliseconds, isAdjustedToUTC: true)
            case (.timestampMicros, .int64): return .timestamp(.microseconds, isAdjustedToUTC: true)
            default: break
            }
        }
        switch physical {
        case .boolean: return .boolean
        case .int32: return .int32
        case .int64: return .int64
        case .int96: return .timestamp(.microseconds, isAdjustedToUTC: false)
        case .float: return .float
        case .double: return .double
        case .byteArray: return .binary
        case .fixedLenByteArray: return .fixedBinary(Int(element.typeLength ?? 0))
        }
    }
}
