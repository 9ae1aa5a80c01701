extension SchemaElement: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        self.init()
        var hasName = false
        try reader.readStruct { r, id, type in
            switch id {
            case 1: self.type = try r.readEnum(PhysicalType.self, type, field: "physical type")
            case 2: typeLength = try r.readI32(type)
            case 3: repetitionType = try r.readEnum(FieldRepetitionType.self, type, field: "repetition type")
            case 4:
                name = try r.readString(type)
                hasName = true
            case 5: numChildren = try r.readI32(type)
            // A converted type this implementation does not know is ignored, as readers must.
            case 6: convertedType = ConvertedType(rawValue: try r.readI32(type))
            case 7: scale = try r.readI32(type)
            case 8: precision = try r.readI32(type)
            case 9: fieldID = try r.readI32(type)
            case 10: logicalType = try r.read(LogicalType.self, type)
            case 11: vectorLength = try r.readI32(type)
            default: return false
            }
            return true
        }
        try reader.require(hasName, "name", of: "SchemaElement")
    }
}

extension LogicalType: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        var result: LogicalType?
        try reader.readStruct { r, id, type in
            guard result == nil else { return false }
            switch id {
            case 1: result = .string
            case 2: result = .map
            case 3: result = .list
            case 4: result = .enum
            case 5:
                var scale: Int32?
                var precision: Int32?
                try r.readStructFields(type) { r, id, type in
                    switch id {
                    case 1: scale = try r.readI32(type)
                    case 2: precision = try r.readI32(type)
                    default: return false
                    }
                    return true
                }
                guard let scale, let precision else { throw r.error("DecimalType lacks its scale or precision") }
                result = .decimal(scale: scale, precision: precision)
                return true
            case 6: result = .date
            case 7, 8:
                var utc: Bool?
                var unit: TimeUnit?
                try r.readStructFields(type) { r, id, type in
                    switch id {
                    case 1: utc = try r.readBool(type)
                    case 2: unit = try r.read(TimeUnit.self, type)
                    default: return false
                    }
                    return true
                }
                guard let utc, let unit else { throw r.error("time or timestamp type lacks isAdjustedToUTC or unit") }
                result =
                    id == 7 ? .time(isAdjustedToUTC: utc, unit: unit) : .timestamp(isAdjustedToUTC: utc, unit: unit)
                return true
            case 10:
                var width: Int8?
                var signed: Bool?
                try r.readStructFields(type) { r, id, type in
                    switch id {
                    case 1: width = Int8(truncatingIfNeeded: try r.readI64(type))
                    case 2: signed = try r.readBool(type)
                    default: return false
                    }
                    return true
                }
                guard let width, let signed else { throw r.error("IntType lacks bitWidth or isSigned") }
                result = .integer(bitWidth: width, isSigned: signed)
                return true
            case 11: result = .unknown
            case 12: result = .json
            case 13: result = .bson
            case 14: result = .uuid
            case 15: result = .float16
            case 16:
                var version: Int8?
                try r.readStructFields(type) { r, id, type in
                    guard id == 1 else { return false }
                    version = Int8(truncatingIfNeeded: try r.readI64(type))
                    return true
                }
                result = .variant(specificationVersion: version)
                return true
            case 17:
                var crs: String?
                try r.readStructFields(type) { r, id, type in
                    guard id == 1 else { return false }
                    crs = try r.readString(type)
                    return true
                }
                result = .geometry(crs: crs)
                return true
            case 18:
                var crs: String?
                var algorithm: EdgeInterpolationAlgorithm?
                try r.readStructFields(type) { r, id, type in
                    switch id {
                    case 1: crs = try r.readString(type)
                    case 2: algorithm = EdgeInterpolationAlgorithm(rawValue: try r.readI32(type))
                    default: return false
                    }
                    return true
                }
                result = .geography(crs: crs, algorithm: algorithm)
                return true
            case 19: result = .vector
            default: result = .other(fieldID: id)
            }
            return false  // an empty marker struct (or an unknown member): skip it
        }
        guard let result else { throw reader.error("empty LogicalType union") }
        self = result
    }
}

extension LogicalType.TimeUnit: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        var result: LogicalType.TimeUnit?
        var unknown: Int16?
        try reader.readStruct { _, id, _ in
            if result == nil && unknown == nil {
                if let unit = LogicalType.TimeUnit(rawValue: id) { result = unit } else { unknown = id }
            }
            return false
        }
        guard let result else { throw reader.error("unknown time unit \(unknown.map(String.init) ?? "(none)")") }
        self = result
    }
}

extension ThriftCompactReader {
    /// Reads the fields of a nested struct of wire type `type` with `field` (see ``readStruct(_:)``).
    mutating func readStructFields(
        _ type: ThriftType,
        _ field: (inout ThriftCompactReader, Int16, ThriftType) throws -> Bool
    ) throws {
        guard type == .struct else { throw mismatch("a struct", type) }
        try readStruct(field)
    }
}
