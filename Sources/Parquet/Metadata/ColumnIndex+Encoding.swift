extension ColumnIndex: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, bools: nullPages)
        writer.field(2, binaries: minValues)
        writer.field(3, binaries: maxValues)
        writer.field(4, enum: boundaryOrder)
        writer.field(5, i64s: nullCounts)
        writer.field(6, i64s: repetitionLevelHistograms)
        writer.field(7, i64s: definitionLevelHistograms)
        writer.field(8, i64s: nanCounts)
    }
}

extension OffsetIndex: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, structs: pageLocations)
        writer.field(2, i64s: unencodedByteArrayDataBytes)
    }
}

extension PageLocation: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, i64: offset)
        writer.field(2, i32: compressedPageSize)
        writer.field(3, i64: firstRowIndex)
    }
}
