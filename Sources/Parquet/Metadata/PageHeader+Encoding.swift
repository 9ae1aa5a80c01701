extension PageHeader: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, enum: type)
        writer.field(2, i32: uncompressedPageSize)
        writer.field(3, i32: compressedPageSize)
        writer.field(4, i32: crc)
        writer.field(5, struct: dataPageHeader)
        writer.field(6, struct: indexPageHeader)
        writer.field(7, struct: dictionaryPageHeader)
        writer.field(8, struct: dataPageHeaderV2)
    }
}

extension DataPageHeader: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, i32: numValues)
        writer.field(2, enum: encoding)
        writer.field(3, enum: definitionLevelEncoding)
        writer.field(4, enum: repetitionLevelEncoding)
        writer.field(5, struct: statistics)
    }
}

extension DataPageHeaderV2: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, i32: numValues)
        writer.field(2, i32: numNulls)
        writer.field(3, i32: numRows)
        writer.field(4, enum: encoding)
        writer.field(5, i32: definitionLevelsByteLength)
        writer.field(6, i32: repetitionLevelsByteLength)
        writer.field(7, bool: isCompressed)
        writer.field(8, struct: statistics)
    }
}

extension DictionaryPageHeader: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, i32: numValues)
        writer.field(2, enum: encoding)
        writer.field(3, bool: isSorted)
    }
}

extension IndexPageHeader: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {}
}
