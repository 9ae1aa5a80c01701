extension ColumnIndex: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        self.init()
        try reader.readStruct { r, id, type in
            switch id {
            case 1: nullPages = try r.readList(type) { r, t in try r.readBool(t) }
            case 2: minValues = try r.readList(type) { r, t in try r.readBinary(t) }
            case 3: maxValues = try r.readList(type) { r, t in try r.readBinary(t) }
            case 4: boundaryOrder = try r.readEnum(BoundaryOrder.self, type, field: "boundary order")
            case 5: nullCounts = try r.readList(type) { r, t in try r.readI64(t) }
            case 6: repetitionLevelHistograms = try r.readList(type) { r, t in try r.readI64(t) }
            case 7: definitionLevelHistograms = try r.readList(type) { r, t in try r.readI64(t) }
            case 8: nanCounts = try r.readList(type) { r, t in try r.readI64(t) }
            default: return false
            }
            return true
        }
    }
}

extension OffsetIndex: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        self.init()
        try reader.readStruct { r, id, type in
            switch id {
            case 1: pageLocations = try r.readStructList(PageLocation.self, type)
            case 2: unencodedByteArrayDataBytes = try r.readList(type) { r, t in try r.readI64(t) }
            default: return false
            }
            return true
        }
    }
}

extension PageLocation: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        self.init()
        try reader.readStruct { r, id, type in
            switch id {
            case 1: offset = try r.readI64(type)
            case 2: compressedPageSize = try r.readI32(type)
            case 3: firstRowIndex = try r.readI64(type)
            default: return false
            }
            return true
        }
    }
}
