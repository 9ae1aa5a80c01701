/// The wire types of the Thrift compact protocol.
enum ThriftCompactType: UInt8 {
    case stop = 0
    case booleanTrue = 1
    case booleanFalse = 2
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
}

/// A value that writes itself as a Thrift struct (or union) in the compact protocol.
protocol ThriftEncodable {
    /// Writes the fields of the struct, without the enclosing struct begin/end.
    func encodeFields(to writer: inout ThriftCompactWriter)
}

extension ThriftEncodable {
    /// The value serialized as a top-level compact-protocol struct.
    func thriftEncoded() -> [UInt8] {
        var writer = ThriftCompactWriter()
        writer.writeStruct(self)
        return writer.bytes
    }
}

/// Serializes Thrift structs with the compact protocol into a byte array.
///
/// Fields are written with ``field(_:i32:)`` and friends, which take care of the field-id deltas;
/// nested structs are written with ``field(_:struct:)``. Absent optionals are written by not calling anything.
struct ThriftCompactWriter {
    /// The bytes written so far.
    private(set) var bytes: [UInt8] = []
    private var lastFieldID: Int16 = 0
    private var fieldIDStack: [Int16] = []

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    // MARK: Structs

    /// Writes a complete struct: its fields and the stop byte.
    mutating func writeStruct<T: ThriftEncodable>(_ value: T) {
        fieldIDStack.append(lastFieldID)
        lastFieldID = 0
        value.encodeFields(to: &self)
        bytes.append(ThriftCompactType.stop.rawValue)
        lastFieldID = fieldIDStack.removeLast()
    }

    /// Writes an empty struct (for the marker structs of unions such as `StringType {}`).
    mutating func writeEmptyStruct() {
        bytes.append(ThriftCompactType.stop.rawValue)
    }

    // MARK: Fields

    private mutating func fieldHeader(_ id: Int16, _ type: ThriftCompactType) {
        let delta = Int(id) - Int(lastFieldID)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeVarint(zigzag(Int64(id)))
        }
        lastFieldID = id
    }

    mutating func field(_ id: Int16, bool value: Bool) {
        fieldHeader(id, value ? .booleanTrue : .booleanFalse)
    }

    mutating func field(_ id: Int16, i8 value: Int8) {
        fieldHeader(id, .i8)
        bytes.append(UInt8(bitPattern: value))
    }

    mutating func field(_ id: Int16, i16 value: Int16) {
        fieldHeader(id, .i16)
        writeVarint(zigzag(Int64(value)))
    }

    mutating func field(_ id: Int16, i32 value: Int32) {
        fieldHeader(id, .i32)
        writeVarint(zigzag(Int64(value)))
    }

    mutating func field(_ id: Int16, i64 value: Int64) {
        fieldHeader(id, .i64)
        writeVarint(zigzag(value))
    }

    mutating func field(_ id: Int16, double value: Double) {
        fieldHeader(id, .double)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func field(_ id: Int16, binary value: [UInt8]) {
        fieldHeader(id, .binary)
        writeBinary(value)
    }

    mutating func field(_ id: Int16, string value: String) {
        fieldHeader(id, .binary)
        writeString(value)
    }

    mutating func field<T: ThriftEncodable>(_ id: Int16, struct value: T) {
        fieldHeader(id, .struct)
        writeStruct(value)
    }

    /// Writes a union member whose value is an empty struct.
    mutating func field(_ id: Int16, emptyStruct: Void) {
        fieldHeader(id, .struct)
        writeEmptyStruct()
    }

    /// Writes an enum field (enums are i32 on the wire).
    mutating func field<E: RawRepresentable>(_ id: Int16, enum value: E) where E.RawValue == Int32 {
        field(id, i32: value.rawValue)
    }

    // MARK: Optional fields (written only when present)

    mutating func field(_ id: Int16, bool value: Bool?) { if let value { field(id, bool: value) } }
    mutating func field(_ id: Int16, i8 value: Int8?) { if let value { field(id, i8: value) } }
    mutating func field(_ id: Int16, i16 value: Int16?) { if let value { field(id, i16: value) } }
    mutating func field(_ id: Int16, i32 value: Int32?) { if let value { field(id, i32: value) } }
    mutating func field(_ id: Int16, i64 value: Int64?) { if let value { field(id, i64: value) } }
    mutating func field(_ id: Int16, double value: Double?) { if let value { field(id, double: value) } }
    mutating func field(_ id: Int16, binary value: [UInt8]?) { if let value { field(id, binary: value) } }
    mutating func field(_ id: Int16, string value: String?) { if let value { field(id, string: value) } }
    mutating func field<T: ThriftEncodable>(_ id: Int16, struct value: T?) {
        if let value { field(id, struct: value) }
    }
    mutating func field<E: RawRepresentable>(_ id: Int16, enum value: E?) where E.RawValue == Int32 {
        if let value { field(id, i32: value.rawValue) }
    }

    // MARK: Lists

    private mutating func listHeader(count: Int, _ elementType: ThriftCompactType) {
        if count < 15 {
            bytes.append(UInt8(count) << 4 | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            writeVarint(UInt64(count))
        }
    }

    mutating func field<T: ThriftEncodable>(_ id: Int16, structs list: [T]) {
        fieldHeader(id, .list)
        listHeader(count: list.count, .struct)
        for element in list { writeStruct(element) }
    }

    mutating func field<T: ThriftEncodable>(_ id: Int16, structs list: [T]?) {
        if let list { field(id, structs: list) }
    }

    mutating func field(_ id: Int16, i32s list: [Int32]) {
        fieldHeader(id, .list)
        listHeader(count: list.count, .i32)
        for element in list { writeVarint(zigzag(Int64(element))) }
    }

    mutating func field(_ id: Int16, i32s list: [Int32]?) { if let list { field(id, i32s: list) } }

    mutating func field(_ id: Int16, i64s list: [Int64]) {
        fieldHeader(id, .list)
        listHeader(count: list.count, .i64)
        for element in list { writeVarint(zigzag(element)) }
    }

    mutating func field(_ id: Int16, i64s list: [Int64]?) { if let list { field(id, i64s: list) } }

    mutating func field<E: RawRepresentable>(_ id: Int16, enums list: [E]) where E.RawValue == Int32 {
        fieldHeader(id, .list)
        listHeader(count: list.count, .i32)
        for element in list { writeVarint(zigzag(Int64(element.rawValue))) }
    }

    /// A `list<bool>`: elements are one byte each, 1 for true and 2 for false (as the reference
    /// implementations write them).
    mutating func field(_ id: Int16, bools list: [Bool]) {
        fieldHeader(id, .list)
        listHeader(count: list.count, .booleanTrue)
        for element in list {
            bytes.append(element ? ThriftCompactType.booleanTrue.rawValue : ThriftCompactType.booleanFalse.rawValue)
        }
    }

    mutating func field(_ id: Int16, binaries list: [[UInt8]]) {
        fieldHeader(id, .list)
        listHeader(count: list.count, .binary)
        for element in list { writeBinary(element) }
    }

    mutating func field(_ id: Int16, strings list: [String]) {
        fieldHeader(id, .list)
        listHeader(count: list.count, .binary)
        for element in list { writeString(element) }
    }

    // MARK: Primitives

    private mutating func writeBinary(_ value: [UInt8]) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    private mutating func writeString(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            writeVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    private func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    private mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }
}
