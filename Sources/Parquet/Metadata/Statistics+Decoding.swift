extension Statistics: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        self.init()
        try reader.readStruct { r, id, type in
            switch id {
            case 1: max = try r.readBinary(type)
            case 2: min = try r.readBinary(type)
            case 3: nullCount = try r.readI64(type)
            case 4: distinctCount = try r.readI64(type)
            case 5: maxValue = try r.readBinary(type)
            case 6: minValue = try r.readBinary(type)
            case 7: isMaxValueExact = try r.readBool(type)
            case 8: isMinValueExact = try r.readBool(type)
            case 9: nanCount = try r.readI64(type)
            default: return false
            }
            return true
        }
    }
}

extension SizeStatistics: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        self.init()
        try reader.readStruct { r, id, type in
            switch id {
            case 1: unencodedByteArrayDataBytes = try r.readI64(type)
            case 2: repetitionLevelHistogram = try r.readList(type) { r, t in try r.readI64(t) }
            case 3: definitionLevelHistogram = try r.readList(type) { r, t in try r.readI64(t) }
            default: return false
            }
            return true
        }
    }
}

extension BoundingBox: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        self.init()
        try reader.readStruct { r, id, type in
            guard type == .double else { return false }
            switch id {
            case 1: xmin = try r.readDouble()
            case 2: xmax = try r.readDouble()
            case 3: ymin = try r.readDouble()
            case 4: ymax = try r.readDouble()
            case 5: zmin = try r.readDouble()
            case 6: zmax = try r.readDouble()
            case 7: mmin = try r.readDouble()
            case 8: mmax = try r.readDouble()
            default: return false
            }
            return true
        }
    }
}

extension GeospatialStatistics: ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws {
        self.init()
        try reader.readStruct { r, id, type in
            switch id {
            case 1: bbox = try r.read(BoundingBox.self, type)
            case 2: geospatialTypes = try r.readList(type) { r, t in try r.readI32(t) }
            default: return false
            }
            return true
        }
    }
}
