extension FileMetaData: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, i32: version)
        writer.field(2, structs: schema)
        writer.field(3, i64: numRows)
        writer.field(4, structs: rowGroups)
        writer.field(5, structs: keyValueMetadata)
        writer.field(6, string: createdBy)
        writer.field(7, structs: columnOrders)
        writer.field(8, struct: encryptionAlgorithm)
        writer.field(9, binary: footerSigningKeyMetadata)
    }
}

extension RowGroup: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, structs: columns)
        writer.field(2, i64: totalByteSize)
        writer.field(3, i64: numRows)
        writer.field(4, structs: sortingColumns)
        writer.field(5, i64: fileOffset)
        writer.field(6, i64: totalCompressedSize)
        writer.field(7, i16: ordinal)
    }
}

extension ColumnChunk: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, string: filePath)
        writer.field(2, i64: fileOffset)
        writer.field(3, struct: metaData)
        writer.field(4, i64: offsetIndexOffset)
        writer.field(5, i32: offsetIndexLength)
        writer.field(6, i64: columnIndexOffset)
        writer.field(7, i32: columnIndexLength)
        writer.field(8, struct: cryptoMetadata)
        writer.field(9, binary: encryptedColumnMetadata)
    }
}

extension ColumnMetaData: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, enum: type)
        writer.field(2, enums: encodings)
        writer.field(3, strings: pathInSchema)
        writer.field(4, enum: codec)
        writer.field(5, i64: numValues)
        writer.field(6, i64: totalUncompressedSize)
        writer.field(7, i64: totalCompressedSize)
        writer.field(8, structs: keyValueMetadata)
        writer.field(9, i64: dataPageOffset)
        writer.field(10, i64: indexPageOffset)
        writer.field(11, i64: dictionaryPageOffset)
        writer.field(12, struct: statistics)
        writer.field(13, structs: encodingStats)
        writer.field(14, i64: bloomFilterOffset)
        writer.field(15, i32: bloomFilterLength)
        writer.field(16, struct: sizeStatistics)
        writer.field(17, struct: geospatialStatistics)
    }
}

extension KeyValue: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, string: key)
        writer.field(2, string: value)
    }
}

extension SortingColumn: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, i32: columnIndex)
        writer.field(2, bool: descending)
        writer.field(3, bool: nullsFirst)
    }
}

extension PageEncodingStats: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, enum: pageType)
        writer.field(2, enum: encoding)
        writer.field(3, i32: count)
    }
}

extension ColumnOrder: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(fieldID, emptyStruct: ())
    }
}

extension AesGcmParameters: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, binary: aadPrefix)
        writer.field(2, binary: aadFileUnique)
        writer.field(3, bool: supplyAadPrefix)
    }
}

extension EncryptionAlgorithm: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        switch self {
        case .aesGcmV1(let parameters): writer.field(1, struct: parameters)
        case .aesGcmCtrV1(let parameters): writer.field(2, struct: parameters)
        case .other(let id): writer.field(id, emptyStruct: ())
        }
    }
}

/// The payload of `ENCRYPTION_WITH_COLUMN_KEY`.
private struct ColumnKeyEncryption: ThriftEncodable {
    var pathInSchema: [String]
    var keyMetadata: [UInt8]?

    func encodeFields(to writer: inout ThriftCompactWriter) {
        writer.field(1, strings: pathInSchema)
        writer.field(2, binary: keyMetadata)
    }
}

extension ColumnCryptoMetaData: ThriftEncodable {
    func encodeFields(to writer: inout ThriftCompactWriter) {
        switch self {
        case .encryptionWithFooterKey: writer.field(1, emptyStruct: ())
        case .encryptionWithColumnKey(let path, let key):
            writer.field(2, struct: ColumnKeyEncryption(pathInSchema: path, keyMetadata: key))
        case .other(let id): writer.field(id, emptyStruct: ())
        }
    }
}
