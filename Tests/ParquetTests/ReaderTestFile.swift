import Foundation

/// A minimal Thrift compact-protocol writer for building test files by hand, independent of the module's
/// writer, so that reader tests can craft exactly the (mal)formed structures they need.
struct TestThrift {
    var bytes: [UInt8] = []
    private var lastIDs: [Int16] = [0]

    static func varint(_ value: UInt64) -> [UInt8] {
        var v = value
        var out: [UInt8] = []
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
        return out
    }

    static func zigzag(_ value: Int64) -> [UInt8] { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    private mutating func header(_ id: Int16, _ type: UInt8) {
        let delta = id - lastIDs[lastIDs.count - 1]
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type)
        } else {
            bytes.append(type)
            bytes += Self.zigzag(Int64(id))
        }
        lastIDs[lastIDs.count - 1] = id
    }

    mutating func i32(_ id: Int16, _ value: Int32) {
        header(id, 5)
        bytes += Self.zigzag(Int64(value))
    }

    mutating func i64(_ id: Int16, _ value: Int64) {
        header(id, 6)
        bytes += Self.zigzag(value)
    }

    mutating func bool(_ id: Int16, _ value: Bool) { header(id, value ? 1 : 2) }

    mutating func binary(_ id: Int16, _ value: [UInt8]) {
        header(id, 8)
        bytes += Self.varint(UInt64(value.count)) + value
    }

    mutating func string(_ id: Int16, _ value: String) { binary(id, Array(value.utf8)) }

    /// A nested struct field; `body` writes its fields.
    mutating func `struct`(_ id: Int16, _ body: (inout TestThrift) -> Void) {
        header(id, 12)
        lastIDs.append(0)
        body(&self)
        bytes.append(0)
        lastIDs.removeLast()
    }

    /// A list of structs.
    mutating func structs(_ id: Int16, _ count: Int, _ body: (inout TestThrift, Int) -> Void) {
        header(id, 9)
        listHeader(count, 12)
        for i in 0..<count {
            lastIDs.append(0)
            body(&self, i)
            bytes.append(0)
            lastIDs.removeLast()
        }
    }

    mutating func strings(_ id: Int16, _ values: [String]) {
        header(id, 9)
        listHeader(values.count, 8)
        for v in values { bytes += Self.varint(UInt64(v.utf8.count)) + Array(v.utf8) }
    }

    mutating func i32s(_ id: Int16, _ values: [Int32]) {
        header(id, 9)
        listHeader(values.count, 5)
        for v in values { bytes += Self.zigzag(Int64(v)) }
    }

    private mutating func listHeader(_ count: Int, _ type: UInt8) {
        if count < 15 {
            bytes.append(UInt8(count) << 4 | type)
        } else {
            bytes.append(0xF0 | type)
            bytes += Self.varint(UInt64(count))
        }
    }

    /// A complete top-level struct.
    static func structure(_ body: (inout TestThrift) -> Void) -> [UInt8] {
        var t = TestThrift()
        body(&t)
        t.bytes.append(0)
        return t.bytes
    }
}

/// Builds single-column Parquet files page by page.
struct TestParquetFile {
    /// A leaf column description.
    struct ColumnSpec {
        var name = "x"
        var physicalType: Int32 = 1  // INT32
        var repetition: Int32 = 0  // REQUIRED
        var typeLength: Int32?
        var convertedType: Int32?
        var scale: Int32?
        var precision: Int32?
        var codec: Int32 = 0  // UNCOMPRESSED
    }

    var columns: [ColumnSpec]
    /// Per column, the pages (header and body bytes) of the single row group.
    var pages: [[[UInt8]]]
    var rows: Int64
    /// Overrides, for malformed files.
    var chunkLengthAdjustment: Int64 = 0

    /// A page header followed by its body.
    static func page(
        type: Int32,
        uncompressedSize: Int? = nil,
        body: [UInt8],
        _ specific: (inout TestThrift) -> Void
    ) -> [UInt8] {
        TestThrift.structure { t in
            t.i32(1, type)
            t.i32(2, Int32(uncompressedSize ?? body.count))
            t.i32(3, Int32(body.count))
            specific(&t)
        } + body
    }

    /// A v1 data page of `values` values.
    static func dataPage(values: Int32, encoding: Int32 = 0, uncompressedSize: Int? = nil, body: [UInt8]) -> [UInt8] {
        page(type: 0, uncompressedSize: uncompressedSize, body: body) { t in
            t.struct(5) { d in
                d.i32(1, values)
                d.i32(2, encoding)
                d.i32(3, 3)  // RLE
                d.i32(4, 3)
            }
        }
    }

    /// A v2 data page: `levels` (definition levels, RLE hybrid without a length prefix), then `values`.
    static func dataPageV2(
        values: Int32,
        nulls: Int32,
        levels: [UInt8],
        body: [UInt8],
        uncompressedValuesSize: Int? = nil,
        isCompressed: Bool? = nil
    ) -> [UInt8] {
        page(type: 3, uncompressedSize: levels.count + (uncompressedValuesSize ?? body.count), body: levels + body) {
            t in
            t.struct(8) { d in
                d.i32(1, values)
                d.i32(2, nulls)
                d.i32(3, values)
                d.i32(4, 0)  // PLAIN
                d.i32(5, Int32(levels.count))
                d.i32(6, 0)
                if let isCompressed { d.bool(7, isCompressed) }
            }
        }
    }

    /// A dictionary page of `values` entries.
    static func dictionaryPage(values: Int32, body: [UInt8]) -> [UInt8] {
        page(type: 2, body: body) { t in
            t.struct(7) { d in
                d.i32(1, values)
                d.i32(2, 0)  // PLAIN
            }
        }
    }

    /// PLAIN little-endian INT32 values.
    static func plainInt32(_ values: [Int32]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    }

    /// The file's bytes.
    func bytes() -> [UInt8] {
        var file: [UInt8] = Array("PAR1".utf8)
        var chunkOffsets: [Int64] = []
        var chunkLengths: [Int64] = []
        for columnPages in pages {
            chunkOffsets.append(Int64(file.count))
            let data = columnPages.flatMap { $0 }
            chunkLengths.append(Int64(data.count) + chunkLengthAdjustment)
            file += data
        }
        let footer = TestThrift.structure { t in
            t.i32(1, 1)
            t.structs(2, columns.count + 1) { e, i in
                if i == 0 {
                    e.string(4, "schema")
                    e.i32(5, Int32(columns.count))
                    return
                }
                let c = columns[i - 1]
                e.i32(1, c.physicalType)
                if let length = c.typeLength { e.i32(2, length) }
                e.i32(3, c.repetition)
                e.string(4, c.name)
                if let converted = c.convertedType { e.i32(6, converted) }
                if let scale = c.scale { e.i32(7, scale) }
                if let precision = c.precision { e.i32(8, precision) }
            }
            t.i64(3, rows)
            t.structs(4, 1) { g, _ in
                g.structs(1, columns.count) { chunk, i in
                    chunk.i64(2, 0)
                    chunk.struct(3) { m in
                        m.i32(1, columns[i].physicalType)
                        m.i32s(2, [0, 3])
                        m.strings(3, [columns[i].name])
                        m.i32(4, columns[i].codec)
                        m.i64(5, rows)
                        m.i64(6, chunkLengths[i])
                        m.i64(7, chunkLengths[i])
                        m.i64(9, chunkOffsets[i])
                    }
                }
                g.i64(2, chunkLengths.reduce(0, +))
                g.i64(3, rows)
            }
        }
        file += footer
        let length = UInt32(footer.count)
        file += withUnsafeBytes(of: length.littleEndian) { Array($0) }
        file += Array("PAR1".utf8)
        return file
    }
}
