import Columnar
import Foundation

/// A private binary columnar format for sorted runs: a sequence of blocks, each a row count then every
/// column as a validity flag (and one byte per row when set), then its values: integers as a width byte and,
/// when narrower than their type, the block's minimum and each value's offset from it in 1, 2 or 4 bytes
/// (frame of reference: counts and measures usually take a quarter of the bytes); other fixed-width values raw;
/// byte arrays as `count + 1` offsets, a byte length and the bytes. Written and read with buffered stdio; only
/// this process reads it back, so there is no versioning or endianness handling.
final class SpillWriter {
    let path: String
    private var file: UnsafeMutablePointer<FILE>?

    /// Creates (or, `appending`, extends) the spill file at `path`.
    init(path: String, appending: Bool = false) throws(OperatorError) {
        self.path = path
        guard let file = fopen(path, appending ? "ab" : "wb") else {
            throw OperatorError(
                "external sort",
                "cannot create spill file \(path): \(String(cString: strerror(errno)))"
            )
        }
        setvbuf(file, nil, _IOFBF, 1 << 20)
        self.file = file
    }

    deinit {
        if let file { fclose(file) }
    }

    func write(_ batch: RecordBatch) throws(OperatorError) {
        var count = UInt64(batch.count)
        try raw(&count, MemoryLayout<UInt64>.size)
        for column in batch.columns {
            var hasValidity: UInt8 = column.validity == nil ? 0 : 1
            try raw(&hasValidity, 1)
            if let validity = column.validity { try array(validity) }
            switch column.values {
            case .boolean(let v): try array(v)
            case .int32(let v): try integers(v)
            case .int64(let v): try integers(v)
            case .float(let v): try array(v)
            case .double(let v): try array(v)
            case .bytes(let v):
                try array(v.offsets)
                try array(v.data)
            }
        }
    }

    func close() throws(OperatorError) {
        guard let file else { return }
        self.file = nil
        if fclose(file) != 0 {
            throw OperatorError("external sort", "cannot write spill file \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// A width byte, then the values raw (width = their size) or, narrower, the minimum and the offsets from it.
    private func integers<T: FixedWidthInteger & SignedInteger>(_ values: [T]) throws(OperatorError) {
        guard let (base, width) = values.withUnsafeBufferPointer({ PackedColumn.frameOfReference($0) }) else {
            var width = UInt8(MemoryLayout<T>.size)
            try raw(&width, 1)
            try array(values)
            return
        }
        var widthByte = UInt8(width)
        try raw(&widthByte, 1)
        var minimum = base
        try raw(&minimum, 8)
        func offsets<U: FixedWidthInteger>(_: U.Type) -> [U] {
            values.map { U(truncatingIfNeeded: Int64($0) &- base) }
        }
        switch width {
        case 1: try array(offsets(UInt8.self))
        case 2: try array(offsets(UInt16.self))
        default: try array(offsets(UInt32.self))
        }
    }

    private func array<T>(_ values: [T]) throws(OperatorError) {
        var count = UInt64(values.count)
        try raw(&count, MemoryLayout<UInt64>.size)
        let ok = values.withUnsafeBytes { bytes in
            bytes.isEmpty || fwrite(bytes.baseAddress!, 1, bytes.count, file) == bytes.count
        }
        if !ok {
            throw OperatorError("external sort", "cannot write spill file \(path): \(String(cString: strerror(errno)))")
        }
    }

    private func raw(_ pointer: UnsafeRawPointer, _ size: Int) throws(OperatorError) {
        if fwrite(pointer, 1, size, file) != size {
            throw OperatorError("external sort", "cannot write spill file \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// Reads back the blocks a ``SpillWriter`` wrote, with the schema they were written with.
final class SpillReader {
    let path: String
    let schema: Schema
    private var file: UnsafeMutablePointer<FILE>?

    init(path: String, schema: Schema) throws(OperatorError) {
        self.path = path
        self.schema = schema
        guard let file = fopen(path, "rb") else {
            throw OperatorError("external sort", "cannot open spill file \(path): \(String(cString: strerror(errno)))")
        }
        setvbuf(file, nil, _IOFBF, 1 << 20)
        self.file = file
    }

    deinit {
        if let file { fclose(file) }
    }

    /// The next block, or `nil` at the end of the file.
    func next() throws(OperatorError) -> RecordBatch? {
        guard let file else { return nil }
        var count: UInt64 = 0
        let got = fread(&count, 1, 8, file)
        if got == 0 && feof(file) != 0 {
            fclose(file)
            self.file = nil
            return nil
        }
        guard got == 8 else { throw truncated() }
        var columns: [Column] = []
        for field in schema.fields {
            var hasValidity: UInt8 = 0
            guard fread(&hasValidity, 1, 1, file) == 1 else { throw truncated() }
            let validity: [Bool]? = hasValidity == 1 ? try array(Bool.self) : nil
            let values: ColumnValues
            switch ColumnValues.empty(for: field.type) {
            case .boolean: values = .boolean(try array(Bool.self))
            case .int32: values = .int32(try integers(Int32.self))
            case .int64: values = .int64(try integers(Int64.self))
            case .float: values = .float(try array(Float.self))
            case .double: values = .double(try array(Double.self))
            case .bytes:
                let offsets = try array(Int.self)
                let data = try array(UInt8.self)
                guard offsets.first == 0, offsets.last == data.count else { throw truncated() }
                values = .bytes(ByteArrays(offsets: offsets, data: data))
            }
            guard values.count == Int(count), validity == nil || validity!.count == Int(count) else {
                throw truncated()
            }
            columns.append(Column(type: field.type, values: values, validity: validity))
        }
        return RecordBatch(schema: schema, columns: columns)
    }

    /// Integers written by ``SpillWriter``: raw, or a minimum and narrow offsets widened back.
    private func integers<T: FixedWidthInteger>(_: T.Type) throws(OperatorError) -> [T] {
        var width: UInt8 = 0
        guard fread(&width, 1, 1, file) == 1 else { throw truncated() }
        if Int(width) == MemoryLayout<T>.size { return try array(T.self) }
        var base: Int64 = 0
        guard fread(&base, 1, 8, file) == 8 else { throw truncated() }
        func widened<U: FixedWidthInteger>(_: U.Type) throws(OperatorError) -> [T] {
            try array(U.self).map { T(truncatingIfNeeded: base &+ Int64($0)) }
        }
        switch width {
        case 1: return try widened(UInt8.self)
        case 2: return try widened(UInt16.self)
        case 4: return try widened(UInt32.self)
        default: throw truncated()
        }
    }

    private func array<T>(_: T.Type) throws(OperatorError) -> [T] {
        var count: UInt64 = 0
        guard fread(&count, 1, 8, file) == 8, count < UInt64(Int.max / 16) else { throw truncated() }
        let n = Int(count)
        var ok = true
        let result = [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            let bytes = n * MemoryLayout<T>.stride
            if bytes > 0 {
                ok = fread(UnsafeMutableRawPointer(buffer.baseAddress!), 1, bytes, file) == bytes
            }
            initialized = ok ? n : 0
        }
        guard ok else { throw truncated() }
        return result
    }

    private func truncated() -> OperatorError {
        OperatorError("external sort", "spill file \(path) is truncated or corrupt")
    }
}
