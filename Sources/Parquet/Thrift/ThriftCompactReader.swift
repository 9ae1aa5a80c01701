/// The wire type of a value in the Thrift compact protocol.
enum ThriftType: UInt8, Sendable {
    case boolTrue = 1
    case boolFalse = 2
    case i8 = 3
    case i16 = 4
    case i32 = 5
    case i64 = 6
    case double = 7
    case binary = 8
    case list = 9
    case set = 10
    case map = 11
    case `struct` = 12

    /// Whether the type is one of the two boolean encodings.
    var isBool: Bool { self == .boolTrue || self == .boolFalse }
}

/// Thrift that does not decode: truncated, an unknown wire type, a length past the end, nesting too deep.
struct ThriftError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    var message: String
    /// The absolute byte offset (in the file, or in the buffer the reader was given) where it went wrong.
    var offset: Int
    /// Whether a field had another wire type than its id calls for (nothing of the value was consumed).
    var isTypeMismatch = false

    var description: String { "invalid Thrift at byte \(offset): \(message)" }
}

/// A bounds-checked reader of the Thrift compact protocol over untrusted bytes.
///
/// It never reads past its end, never allocates more than the bytes that remain can hold, and refuses
/// structures nested deeper than ``maximumDepth``. Unknown fields are skipped by their wire type.
struct ThriftCompactReader {
    /// The deepest nesting of structs and containers accepted.
    static let maximumDepth = 64

    /// The bytes being read.
    let bytes: [UInt8]
    /// The index of the next byte in ``bytes``.
    private(set) var position: Int
    /// One past the last readable index in ``bytes``.
    let end: Int
    /// Added to positions in errors, so that they name offsets in the file.
    let baseOffset: Int
    /// The current nesting depth.
    private var depth = 0
    /// The last field id read in each open struct (compact field ids are deltas).
    private var lastFieldIDs: [Int16] = []
    /// The value of a boolean field, carried in its field header.
    private var pendingBool: Bool?

    /// Creates a reader of `bytes[range]`; `baseOffset` is the absolute offset of `bytes[0]`.
    init(_ bytes: [UInt8], range: Range<Int>? = nil, baseOffset: Int = 0) {
        self.bytes = bytes
        let range = range ?? 0..<bytes.count
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count)
        self.position = range.lowerBound
        self.end = range.upperBound
        self.baseOffset = baseOffset
    }

    /// The number of bytes not yet read.
    var remaining: Int { end - position }

    /// The absolute offset of the next byte.
    var offset: Int { baseOffset + position }

    /// An error at the current position.
    func error(_ message: String) -> ThriftError {
        ThriftError(message: message, offset: offset)
    }

    /// A value of wire type `type` where `expected` was called for; thrown before anything is consumed.
    func mismatch(_ expected: String, _ type: ThriftType) -> ThriftError {
        ThriftError(message: "expected \(expected), found wire type \(type)", offset: offset, isTypeMismatch: true)
    }

    // MARK: Primitives

    /// Reads one byte.
    mutating func readByte() throws -> UInt8 {
        guard position < end else { throw error("unexpected end of data") }
        let byte = bytes[position]
        position += 1
        return byte
    }

    /// Reads an unsigned LEB128 varint of at most 10 bytes.
    mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            if shift == 63 && byte > 1 { throw error("varint overflows 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw error("varint longer than 10 bytes") }
        }
    }

    /// Reads a zigzag varint as a 64-bit integer.
    mutating func readZigzag64() throws -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// Reads a zigzag varint that must fit 32 bits.
    mutating func readZigzag32() throws -> Int32 {
        let start = offset
        let value = try readZigzag64()
        guard let narrow = Int32(exactly: value) else {
            throw ThriftError(message: "value \(value) does not fit a 32-bit integer", offset: start)
        }
        return narrow
    }

    /// Reads a value of wire type `type` as an integer (i8, i16, i32 or i64).
    mutating func readInteger(_ type: ThriftType) throws -> Int64 {
        switch type {
        case .i8: return Int64(Int8(bitPattern: try readByte()))
        case .i16, .i32, .i64: return try readZigzag64()
        default: throw mismatch("an integer", type)
        }
    }

    /// Reads an i32 field value of wire type `type`.
    mutating func readI32(_ type: ThriftType) throws -> Int32 {
        let start = offset
        let value = try readInteger(type)
        guard let narrow = Int32(exactly: value) else {
            throw ThriftError(message: "value \(value) does not fit a 32-bit integer", offset: start)
        }
        return narrow
    }

    /// Reads an i64 field value of wire type `type`.
    mutating func readI64(_ type: ThriftType) throws -> Int64 {
        try readInteger(type)
    }

    /// Reads a boolean: from the pending field header, or as one byte inside a container.
    mutating func readBool(_ type: ThriftType) throws -> Bool {
        if let value = pendingBool {
            pendingBool = nil
            return value
        }
        guard type.isBool else { throw mismatch("a boolean", type) }
        return try readByte() == ThriftType.boolTrue.rawValue
    }

    /// Reads a little-endian double.
    mutating func readDouble() throws -> Double {
        guard remaining >= 8 else { throw error("unexpected end of data in a double") }
        var bits: UInt64 = 0
        for i in 0..<8 { bits |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += 8
        return Double(bitPattern: bits)
    }

    /// Reads a length-prefixed binary value.
    mutating func readBinary(_ type: ThriftType = .binary) throws -> [UInt8] {
        guard type == .binary else { throw mismatch("binary", type) }
        let start = offset
        let length = try readVarint()
        guard length <= UInt64(remaining) else {
            throw ThriftError(
                message: "binary length \(length) exceeds the \(remaining) bytes that remain",
                offset: start
            )
        }
        let value = Array(bytes[position..<position + Int(length)])
        position += Int(length)
        return value
    }

    /// Reads a length-prefixed string (invalid UTF-8 is repaired).
    mutating func readString(_ type: ThriftType = .binary) throws -> String {
        let value = try readBinary(type)
        return String(decoding: value, as: UTF8.self)
    }

    // MARK: Structs

    /// Enters a struct.
    mutating func beginStruct() throws {
        guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth)") }
        depth += 1
        lastFieldIDs.append(0)
    }

    /// Leaves a struct after its stop field was read.
    mutating func endStruct() {
        lastFieldIDs.removeLast()
        depth -= 1
    }

    /// Reads the next field header of the current struct, or `nil` at its stop field.
    mutating func readFieldHeader() throws -> (id: Int16, type: ThriftType)? {
        if pendingBool != nil { pendingBool = nil }
        let header = try readByte()
        if header == 0 { return nil }
        guard let type = ThriftType(rawValue: header & 0x0F) else {
            throw ThriftError(message: "unknown wire type \(header & 0x0F)", offset: offset - 1)
        }
        let delta = Int16(header >> 4)
        let id: Int16
        if delta == 0 {
            let start = offset
            let raw = try readZigzag64()
            guard let narrow = Int16(exactly: raw) else {
                throw ThriftError(message: "field id \(raw) out of range", offset: start)
            }
            id = narrow
        } else {
            let (sum, overflow) = lastFieldIDs[lastFieldIDs.count - 1].addingReportingOverflow(delta)
            guard !overflow else { throw error("field id overflows") }
            id = sum
        }
        lastFieldIDs[lastFieldIDs.count - 1] = id
        if type.isBool { pendingBool = type == .boolTrue }
        return (id, type)
    }

    /// Reads every field of a struct, calling `field` with each id and wire type; `field` must consume the
    /// value or return `false` to have it skipped. A known field id with an unexpected wire type is skipped
    /// too (old writers used some ids for other fields).
    mutating func readStruct(_ field: (inout ThriftCompactReader, Int16, ThriftType) throws -> Bool) throws {
        try beginStruct()
        while let (id, type) = try readFieldHeader() {
            let start = position
            var consumed: Bool
            do {
                consumed = try field(&self, id, type)
            } catch let error as ThriftError where error.isTypeMismatch && position == start {
                consumed = false
            }
            if !consumed { try skip(type) }
            pendingBool = nil
        }
        endStruct()
    }

    // MARK: Containers

    /// Reads a list or set header. The count is checked against the bytes that remain (every element takes at
    /// least one byte), so it is safe to reserve capacity for.
    mutating func readListHeader(_ type: ThriftType = .list) throws -> (elementType: ThriftType, count: Int) {
        guard type == .list || type == .set else { throw mismatch("a list", type) }
        let start = offset
        let header = try readByte()
        guard let elementType = ThriftType(rawValue: header & 0x0F) else {
            throw ThriftError(message: "unknown list element type \(header & 0x0F)", offset: start)
        }
        var count = UInt64(header >> 4)
        if count == 15 { count = try readVarint() }
        guard count <= UInt64(remaining) else {
            throw ThriftError(
                message: "list of \(count) elements exceeds the \(remaining) bytes that remain",
                offset: start
            )
        }
        return (elementType, Int(count))
    }

    /// Reads a list, calling `element` for each item.
    mutating func readList<T>(
        _ type: ThriftType,
        _ element: (inout ThriftCompactReader, ThriftType) throws -> T
    ) throws -> [T] {
        let (elementType, count) = try readListHeader(type)
        guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth)") }
        depth += 1
        defer { depth -= 1 }
        var result: [T] = []
        result.reserveCapacity(min(count, 4096))  // grows as elements actually decode
        for _ in 0..<count { result.append(try element(&self, elementType)) }
        return result
    }

    /// Skips a value of wire type `type`, including nested structs and containers.
    mutating func skip(_ type: ThriftType) throws {
        switch type {
        case .boolTrue, .boolFalse:
            // In a field header the value is in the header; inside a container it is one byte.
            if pendingBool != nil { pendingBool = nil } else { _ = try readByte() }
        case .i8: _ = try readByte()
        case .i16, .i32, .i64: _ = try readVarint()
        case .double:
            guard remaining >= 8 else { throw error("unexpected end of data in a double") }
            position += 8
        case .binary:
            let start = offset
            let length = try readVarint()
            guard length <= UInt64(remaining) else {
                throw ThriftError(
                    message: "binary length \(length) exceeds the \(remaining) bytes that remain",
                    offset: start
                )
            }
            position += Int(length)
        case .struct:
            try beginStruct()
            while let (_, fieldType) = try readFieldHeader() { try skip(fieldType) }
            endStruct()
        case .list, .set:
            let (elementType, count) = try readListHeader(type)
            try nested {
                for _ in 0..<count { try $0.skipElement(elementType) }
            }
        case .map:
            let start = offset
            let count = try readVarint()
            if count == 0 { return }
            let kinds = try readByte()
            guard let keyType = ThriftType(rawValue: kinds >> 4), let valueType = ThriftType(rawValue: kinds & 0x0F)
            else { throw ThriftError(message: "unknown map key or value type", offset: offset - 1) }
            guard count <= UInt64(remaining) else {
                throw ThriftError(
                    message: "map of \(count) entries exceeds the \(remaining) bytes that remain",
                    offset: start
                )
            }
            try nested {
                for _ in 0..<Int(count) {
                    try $0.skipElement(keyType)
                    try $0.skipElement(valueType)
                }
            }
        }
    }

    /// Skips one container element (booleans take a byte there).
    private mutating func skipElement(_ type: ThriftType) throws {
        pendingBool = nil
        if type.isBool { _ = try readByte() } else { try skip(type) }
    }

    /// Runs `body` one nesting level deeper.
    private mutating func nested(_ body: (inout ThriftCompactReader) throws -> Void) throws {
        guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth)") }
        depth += 1
        defer { depth -= 1 }
        try body(&self)
    }
}

/// A value that reads itself from a Thrift struct (or union) in the compact protocol.
protocol ThriftDecodable {
    /// Reads the struct, from its first field header through its stop field.
    init(thrift reader: inout ThriftCompactReader) throws
}

extension ThriftDecodable {
    /// Decodes a value from `bytes[range]`, whose first byte is at `baseOffset` in the file.
    static func decode(_ bytes: [UInt8], range: Range<Int>? = nil, baseOffset: Int = 0) throws -> (Self, Int) {
        var reader = ThriftCompactReader(bytes, range: range, baseOffset: baseOffset)
        let value = try Self(thrift: &reader)
        return (value, reader.position)
    }
}

extension ThriftCompactReader {
    /// Reads a nested struct field of wire type `type`.
    mutating func read<T: ThriftDecodable>(_: T.Type = T.self, _ type: ThriftType) throws -> T {
        guard type == .struct else { throw mismatch("a struct", type) }
        return try T(thrift: &self)
    }

    /// Reads a list of structs.
    mutating func readStructList<T: ThriftDecodable>(_: T.Type = T.self, _ type: ThriftType) throws -> [T] {
        try readList(type) { reader, elementType in try reader.read(T.self, elementType) }
    }

    /// Reads an i32 enum value; unknown values are an error.
    mutating func readEnum<E: RawRepresentable>(_: E.Type = E.self, _ type: ThriftType, field: String) throws -> E
    where E.RawValue == Int32 {
        let start = offset
        let raw = try readI32(type)
        guard let value = E(rawValue: raw) else {
            throw ThriftError(message: "unknown \(field) value \(raw)", offset: start)
        }
        return value
    }

    /// Reads an empty marker struct (the members of unions such as `StringType {}`), skipping any fields.
    mutating func readEmptyStruct(_ type: ThriftType) throws {
        guard type == .struct else { throw mismatch("a struct", type) }
        try skip(.struct)
    }

    /// Throws unless a required field was present.
    func require(_ present: Bool, _ field: String, of structure: String) throws {
        guard present else { throw error("required field \(field) of \(structure) is missing") }
    }
}
