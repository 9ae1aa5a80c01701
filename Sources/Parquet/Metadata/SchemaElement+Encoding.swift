extension SchemaElement: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, enum: type)
        writer.field(2, i32: typeLength)
        writer.field(3, enum: repetitionType)
        writer.field(4, string: name)
        writer.field(5, i32: numChildren)
        writer.field(6, enum: convertedType)
        writer.field(7, i32: scale)
        writer.field(8, i32: precision)
        writer.field(9, i32: fieldID)
        writer.field(10, struct: logicalType)
        writer.field(11, i32: vectorLength)
    }
}

/// The payload struct of a TIME or TIMESTAMP logical type.
private struct TimeAnnotation: ThriftEncodable {
    var isAdjustedToUTC: Bool
    var unit: LogicalType.TimeUnit

    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, bool: isAdjustedToUTC)
        writer.field(2, struct: unit)
    }
}

/// A struct payload written by a closure, for the small one-off structs of unions.
private struct InlineStruct: ThriftEncodable {
    var body: (inout ThriftCompactWriter) -> Void

    func encodeFields(to writer: inout ThriftCompactWriter) { body(&writer) }
}

extension LogicalType.TimeUnit: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(rawValue, emptyStruct: ())
    }
}

extension LogicalType: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        let id = fieldID
        switch self {
        case .string, .map, .list, .enum, .date, .unknown, .json, .bson, .uuid, .float16, .vector:
            writer.field(id, emptyStruct: ())
        case .decimal(let scale, let precision):
            writer.field(
                id,
                struct: InlineStruct {
                    $0.field(1, i32: scale)
                    $0.field(2, i32: precision)
                }
            )
        case .time(let utc, let unit), .timestamp(let utc, let unit):
            writer.field(id, struct: TimeAnnotation(isAdjustedToUTC: utc, unit: unit))
        case .integer(let bitWidth, let isSigned):
            writer.field(
                id,
                struct: InlineStruct {
                    $0.field(1, i8: bitWidth)
                    $0.field(2, bool: isSigned)
                }
            )
        case .variant(let version):
            writer.field(id, struct: InlineStruct { $0.field(1, i8: version) })
        case .geometry(let crs):
            writer.field(id, struct: InlineStruct { $0.field(1, string: crs) })
        case .geography(let crs, let algorithm):
            writer.field(
                id,
                struct: InlineStruct {
                    $0.field(1, string: crs)
                    $0.field(2, enum: algorithm)
                }
            )
        case .other:
            // Unknown members carry no payload we could reproduce; write them as empty structs.
            writer.field(id, emptyStruct: ())
        }
    }
}
