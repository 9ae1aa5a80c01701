extension PageHeader: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        self.init()
        var seen: Set<Int16> = []
        try reader.readStruct { r, id, type in
            switch id {
            case 1: self.type = try r.readEnum(PageType.self, type, field: "page type")
            case 2: uncompressedPageSize = try r.readI32(type)
            case 3: compressedPageSize = try r.readI32(type)
            case 4: crc = try r.readI32(type)
            case 5: dataPageHeader = try r.read(DataPageHeader.self, type)
            case 6:
                try r.readEmptyStruct(type)
                indexPageHeader = IndexPageHeader()
            case 7: dictionaryPageHeader = try r.read(DictionaryPageHeader.self, type)
            case 8: dataPageHeaderV2 = try r.read(DataPageHeaderV2.self, type)
            default: return false
            }
            seen.insert(id)
            return true
        }
        try reader.require(seen.contains(1), "type", of: "PageHeader")
        try reader.require(seen.contains(2), "uncompressed_page_size", of: "PageHeader")
        try reader.require(seen.contains(3), "compressed_page_size", of: "PageHeader")
    }
}

extension DataPageHeader: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        self.init()
        var seen: Set<Int16> = []
        try reader.readStruct { r, id, type in
            switch id {
            case 1: numValues = try r.readI32(type)
            case 2: encoding = try r.readEnum(Encoding.self, type, field: "encoding")
            case 3: definitionLevelEncoding = try r.readEnum(Encoding.self, type, field: "definition level encoding")
            case 4: repetitionLevelEncoding = try r.readEnum(Encoding.self, type, field: "repetition level encoding")
            case 5: statistics = try r.read(Statistics.self, type)
            default: return false
            }
            seen.insert(id)
            return true
        }
        try reader.require(seen.contains(1), "num_values", of: "DataPageHeader")
        try reader.require(seen.contains(2), "encoding", of: "DataPageHeader")
    }
}

extension DataPageHeaderV2: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        self.init()
        var seen: Set<Int16> = []
        try reader.readStruct { r, id, type in
            switch id {
            case 1: numValues = try r.readI32(type)
            case 2: numNulls = try r.readI32(type)
            case 3: numRows = try r.readI32(type)
            case 4: encoding = try r.readEnum(Encoding.self, type, field: "encoding")
            case 5: definitionLevelsByteLength = try r.readI32(type)
            case 6: repetitionLevelsByteLength = try r.readI32(type)
            case 7: isCompressed = try r.readBool(type)
            case 8: statistics = try r.read(Statistics.self, type)
            default: return false
            }
            seen.insert(id)
            return true
        }
        for (id, name) in [
            (1, "num_values"), (2, "num_nulls"), (3, "num_rows"), (4, "encoding"),
            (5, "definition_levels_byte_length"), (6, "repetition_levels_byte_length"),
        ] where !seen.contains(Int16(id)) {
            try reader.require(false, name, of: "DataPageHeaderV2")
        }
    }
}

extension DictionaryPageHeader: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        self.init()
        var seen: Set<Int16> = []
        try reader.readStruct { r, id, type in
            switch id {
            case 1: numValues = try r.readI32(type)
            case 2: encoding = try r.readEnum(Encoding.self, type, field: "encoding")
            case 3: isSorted = try r.readBool(type)
            default: return false
            }
            seen.insert(id)
            return true
        }
        try reader.require(seen.contains(1), "num_values", of: "DictionaryPageHeader")
    }
}
