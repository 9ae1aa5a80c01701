import Columnar

/// How the parser treats one field of the file: its conversion and the output slot it fills.
struct FieldPlan: @unchecked Sendable {
    enum Conversion: UInt8 {
        /// Not projected: the field is only stepped over.
        case skip
        case int64
        case double
        case boolean
        case date
        case timestamp
        /// Validated UTF-8.
        case string
        /// Bytes as they are, every empty field null (schema inference).
        case raw
    }

    var conversion: Conversion
    var emptyIsNull: Bool
    /// The output column this field fills, or -1.
    var slot: Int
    /// The compiled pattern of a date or timestamp.
    var format: UnsafePointer<DateTimeFormat.Op>?
    var formatCount: Int
    /// The pattern of a date in its fast form, when it has one.
    var simpleDate: UnsafePointer<DateTimeFormat.SimpleDate>? = nil

    static let skipped = FieldPlan(conversion: .skip, emptyIsNull: false, slot: -1, format: nil, formatCount: 0)
}

/// The growable storage of one output column while a batch is being parsed: raw memory, so the hot loop writes
/// without copy-on-write or exclusivity checks.
struct ColumnSlot {
    var type: DataType
    var conversion: FieldPlan.Conversion
    /// 8 bytes per row (Int64, Double), 4 (dates as Int32) or 1 (Bool).
    var values: UnsafeMutableRawPointer
    var validity: UnsafeMutablePointer<Bool>
    /// `rows + 1` offsets for strings; `offsets[rows]` is the end of the committed bytes.
    var offsets: UnsafeMutablePointer<Int>
    var bytes: UnsafeMutablePointer<UInt8>
    var bytesCapacity: Int
    /// Set when a null is written since the last batch (also for rows later dropped), so that a column without
    /// nulls is not scanned for them.
    var mayHaveNulls = false

    init(type: DataType, conversion: FieldPlan.Conversion, rowCapacity: Int) {
        self.type = type
        self.conversion = conversion
        values = .allocate(byteCount: rowCapacity * 8, alignment: 8)
        validity = .allocate(capacity: rowCapacity)
        let isBytes = conversion == .string || conversion == .raw
        offsets = .allocate(capacity: isBytes ? rowCapacity + 1 : 1)
        offsets[0] = 0
        bytesCapacity = isBytes ? 64 * 1024 : 0
        bytes = .allocate(capacity: max(bytesCapacity, 1))
    }

    func deallocate() {
        values.deallocate()
        validity.deallocate()
        offsets.deallocate()
        bytes.deallocate()
    }

    /// Makes room for `needed` bytes of string data, keeping the first `used`.
    mutating func reserveBytes(_ needed: Int, used: Int) {
        guard needed > bytesCapacity else { return }
        var capacity = bytesCapacity * 2
        while capacity < needed { capacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: bytes, count: used)
        bytes.deallocate()
        bytes = grown
        bytesCapacity = capacity
    }

    /// The first `rows` rows as a column.
    func column(rows: Int) -> Column {
        let validityBuffer = UnsafeBufferPointer(start: validity, count: rows)
        let hasNulls = mayHaveNulls && validityBuffer.contains(false)
        let mask: [Bool]? = hasNulls ? Array(validityBuffer) : nil
        let storage: ColumnValues
        switch conversion {
        case .int64, .timestamp:
            storage = .int64(Array(UnsafeBufferPointer(start: values.assumingMemoryBound(to: Int64.self), count: rows)))
        case .double:
            storage = .double(
                Array(UnsafeBufferPointer(start: values.assumingMemoryBound(to: Double.self), count: rows))
            )
        case .boolean:
            storage = .boolean(
                Array(UnsafeBufferPointer(start: values.assumingMemoryBound(to: Bool.self), count: rows))
            )
        case .date:
            storage = .int32(Array(UnsafeBufferPointer(start: values.assumingMemoryBound(to: Int32.self), count: rows)))
        case .string, .raw:
            storage = .bytes(
                ByteArrays(
                    offsets: Array(UnsafeBufferPointer(start: offsets, count: rows + 1)),
                    data: Array(UnsafeBufferPointer(start: bytes, count: offsets[rows]))
                )
            )
        case .skip:
            preconditionFailure("a skipped field has no column")
        }
        return Column(type: type, values: storage, validity: mask)
    }
}
