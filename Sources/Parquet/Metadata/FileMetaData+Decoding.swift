extension FileMetaData: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        self.init()
        var seen: Set<Int16> = []
        try reader.readStruct { r, id, type in
            switch id {
            case 1: version = try r.readI32(type)
            case 2: schema = try r.readStructList(SchemaElement.self, type)
            case 3: numRows = try r.readI64(type)
            case 4: rowGroups = try r.readStructList(RowGroup.self, type)
            case 5: keyValueMetadata = try r.readStructList(KeyValue.self, type)
            case 6: createdBy = try r.readString(type)
            case 7: columnOrders = try r.readStructList(ColumnOrder.self, type)
            case 8: encryptionAlgorithm = try r.read(EncryptionAlgorithm.self, type)
            case 9: footerSigningKeyMetadata = try r.readBinary(type)
            default: return false
            }
            seen.insert(id)
            return true
        }
        try reader.require(seen.contains(2), "schema", of: "FileMetaData")
        try reader.require(seen.contains(3), "num_rows", of: "FileMetaData")
        try reader.require(seen.contains(4), "row_groups", of: "FileMetaData")
    }
}

extension RowGroup: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        self.init()
        var seen: Set<Int16> = []
        try reader.readStruct { r, id, type in
            switch id {
            case 1: columns = try r.readStructList(ColumnChunk.self, type)
            case 2: totalByteSize = try r.readI64(type)
            case 3: numRows = try r.readI64(type)
            case 4: sortingColumns = try r.readStructList(SortingColumn.self, type)
            case 5: fileOffset = try r.readI64(type)
            case 6: totalCompressedSize = try r.readI64(type)
            case 7: ordinal = Int16(truncatingIfNeeded: try r.readI64(type))
            default: return false
            }
            seen.insert(id)
            return true
        }
        try reader.require(seen.contains(1), "columns", of: "RowGroup")
        try reader.require(seen.contains(3), "num_rows", of: "RowGroup")
    }
}

extension ColumnChunk: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        self.init()
        try reader.readStruct { r, id, type in
            switch id {
            case 1: filePath = try r.readString(type)
            case 2: fileOffset = try r.readI64(type)
            case 3: metaData = try r.read(ColumnMetaData.self, type)
            case 4: offsetIndexOffset = try r.readI64(type)
            case 5: offsetIndexLength = try r.readI32(type)
            case 6: columnIndexOffset = try r.readI64(type)
            case 7: columnIndexLength = try r.readI32(type)
            case 8: cryptoMetadata = try r.read(ColumnCryptoMetaData.self, type)
            case 9: encryptedColumnMetadata = try r.readBinary(type)
            default: return false
            }
            return true
        }
    }
}

extension ColumnMetaData: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        self.init()
        var seen: Set<Int16> = []
        try reader.readStruct { r, id, type in
            switch id {
            case 1: self.type = try r.readEnum(PhysicalType.self, type, field: "physical type")
            case 2:
                // Unknown encodings are dropped here; a page that uses one fails when it is decoded.
                encodings = try r.readList(type) { r, t in try r.readI32(t) }.compactMap(Encoding.init(rawValue:))
            case 3: pathInSchema = try r.readList(type) { r, t in try r.readString(t) }
            case 4: codec = try r.readEnum(CompressionCodec.self, type, field: "compression codec")
            case 5: numValues = try r.readI64(type)
            case 6: totalUncompressedSize = try r.readI64(type)
            case 7: totalCompressedSize = try r.readI64(type)
            case 8: keyValueMetadata = try r.readStructList(KeyValue.self, type)
            case 9: dataPageOffset = try r.readI64(type)
            case 10: indexPageOffset = try r.readI64(type)
            case 11: dictionaryPageOffset = try r.readI64(type)
            case 12: statistics = try r.read(Statistics.self, type)
            case 13: encodingStats = try r.readStructList(PageEncodingStats.self, type)
            case 14: bloomFilterOffset = try r.readI64(type)
            case 15: bloomFilterLength = try r.readI32(type)
            case 16: sizeStatistics = try r.read(SizeStatistics.self, type)
            case 17: geospatialStatistics = try r.read(GeospatialStatistics.self, type)
            default: return false
            }
            seen.insert(id)
            return true
        }
        for (id, name) in [
            (1, "type"), (3, "path_in_schema"), (4, "codec"), (5, "num_values"), (9, "data_page_offset"),
        ]
        where !seen.contains(Int16(id)) {
            try reader.require(false, name, of: "ColumnMetaData")
        }
    }
}

extension KeyValue: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        self.init()
        var hasKey = false
        try reader.readStruct { r, id, type in
            switch id {
            case 1:
                key = try r.readString(type)
                hasKey = true
            case 2: value = try r.readString(type)
            default: return false
            }
            return true
        }
        try reader.require(hasKey, "key", of: "KeyValue")
    }
}

extension SortingColumn: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        self.init()
        try reader.readStruct { r, id, type in
            switch id {
            case 1: columnIndex = try r.readI32(type)
            case 2: descending = try r.readBool(type)
            case 3: nullsFirst = try r.readBool(type)
            default: return false
            }
            return true
        }
    }
}

extension PageEncodingStats: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        self.init()
        // Informational only: an entry naming an unknown page type or encoding keeps the default.
        try reader.readStruct { r, id, type in
            switch id {
            case 1: if let value = PageType(rawValue: try r.readI32(type)) { pageType = value }
            case 2: if let value = Encoding(rawValue: try r.readI32(type)) { encoding = value }
            case 3: count = try r.readI32(type)
            default: return false
            }
            return true
        }
    }
}

extension ColumnOrder: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        var result: ColumnOrder?
        try reader.readStruct { r, id, type in
            guard result == nil else { return false }
            switch id {
            case 1: result = .typeDefinedOrder
            case 2: result = .ieee754TotalOrder
            case 3: result = .int96TimestampOrder
            default: result = .other(fieldID: id)
            }
            return false  // every member is an empty struct: skip it
        }
        guard let result else { throw reader.error("empty ColumnOrder union") }
        self = result
    }
}

extension AesGcmParameters: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        self.init()
        try reader.readStruct { r, id, type in
            switch id {
            case 1: aadPrefix = try r.readBinary(type)
            case 2: aadFileUnique = try r.readBinary(type)
            case 3: supplyAadPrefix = try r.readBool(type)
            default: return false
            }
            return true
        }
    }
}

extension EncryptionAlgorithm: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        var result: EncryptionAlgorithm?
        try reader.readStruct { r, id, type in
            guard result == nil else { return false }
            switch id {
            case 1: result = .aesGcmV1(try r.read(AesGcmParameters.self, type))
            case 2: result = .aesGcmCtrV1(try r.read(AesGcmParameters.self, type))
            default:
                result = .other(fieldID: id)
                return false
            }
            return true
        }
        guard let result else { throw reader.error("empty EncryptionAlgorithm union") }
        self = result
    }
}

extension ColumnCryptoMetaData: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        var result: ColumnCryptoMetaData?
        try reader.readStruct { r, id, type in
            guard result == nil else { return false }
            switch id {
            case 1:
                result = .encryptionWithFooterKey
                return false
            case 2:
                guard type == .struct else { throw r.mismatch("a struct", type) }
                var path: [String] = []
                var key: [UInt8]?
                try r.readStruct { r, id, type in
                    switch id {
                    case 1: path = try r.readList(type) { r, t in try r.readString(t) }
                    case 2: key = try r.readBinary(type)
                    default: return false
                    }
                    return true
                }
                result = .encryptionWithColumnKey(pathInSchema: path, keyMetadata: key)
                return true
            default:
                result = .other(fieldID: id)
                return false
            }
        }
        guard let result else { throw reader.error("empty ColumnCryptoMetaData union") }
        self = result
    }
}
