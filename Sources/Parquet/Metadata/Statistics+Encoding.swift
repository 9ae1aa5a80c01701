extension Statistics: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, binary: max)
        writer.field(2, binary: min)
        writer.field(3, i64: nullCount)
        writer.field(4, i64: distinctCount)
        writer.field(5, binary: maxValue)
        writer.field(6, binary: minValue)
        writer.field(7, bool: isMaxValueExact)
        writer.field(8, bool: isMinValueExact)
        writer.field(9, i64: nanCount)
    }
}

extension SizeStatistics: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, i64: unencodedByteArrayDataBytes)
        writer.field(2, i64s: repetitionLevelHistogram)
        writer.field(3, i64s: definitionLevelHistogram)
    }
}

extension BoundingBox: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, double: xmin)
        writer.field(2, double: xmax)
        writer.field(3, double: ymin)
        writer.field(4, double: ymax)
        writer.field(5, double: zmin)
        writer.field(6, double: zmax)
        writer.field(7, double: mmin)
        writer.field(8, double: mmax)
    }
}

extension GeospatialStatistics: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, struct: bbox)
        writer.field(2, i32s: geospatialTypes)
    }
}
