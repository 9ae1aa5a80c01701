/// Bytes held in memory as a ``ByteSource`` (tests, the fuzzer, data already downloaded).
public struct MemoryByteSource: ByteSource {
    /// The name used in errors.
    public let name: String
    /// The bytes.
    public let bytes: [UInt8]

    /// A source over `bytes`; `name` is used in errors.
    public init(_ bytes: [UInt8], name: String = "<memory>") {
        self.bytes = bytes
        self.name = name
    }

    public var size: Int { bytes.count }

    public func read(at offset: Int, count: Int) throws -> [UInt8] {
        precondition(offset >= 0 && count >= 0 && offset <= size - count, "read outside the buffer")
        return Array(bytes[offset..<offset + count])
    }
}
