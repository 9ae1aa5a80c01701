/// The block compression codecs Sluice supports, with a uniform compress/decompress interface.
///
/// The per-codec types (``Snappy``, ``Gzip``, ``Zstd``) offer more options; this enum lets a caller such as the
/// Parquet reader dispatch on a codec chosen at run time.
public enum Codec: String, Sendable, Hashable, CaseIterable {
    /// No compression: the bytes are copied.
    case uncompressed
    /// Snappy raw block format (not the framing format).
    case snappy
    /// gzip (RFC 1952) members, through zlib.
    case gzip
    /// Zstandard frames, through libzstd.
    case zstd

    /// The largest decompressed size accepted when the caller does not know the expected length: 2 GiB.
    public static let defaultMaximumLength = 1 << 31
}

extension Codec {
    /// Compresses `input` with this codec at its default level.
    public func compress(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        switch self {
        case .uncompressed: return [UInt8](input)
        case .snappy: return Snappy.compress(input)
        case .gzip: return Gzip.compress(input)
        case .zstd: return Zstd.compress(input)
        }
    }

    /// Compresses `input` with this codec at its default level.
    public func compress(_ input: [UInt8]) -> [UInt8] {
        input.withUnsafeBytes { compress($0) }
    }

    /// Decompresses `input`.
    ///
    /// - Parameters:
    ///   - expectedLength: the decompressed length, when known (Parquet page headers carry it). Output of any
    ///     other length is a ``CodecError/Kind/lengthMismatch`` error. When nil, the output may grow up to
    ///     `maximumLength`.
    ///   - maximumLength: the allocation cap when `expectedLength` is nil.
    /// - Throws: ``CodecError`` when the input is malformed, truncated or of the wrong length.
    public func decompress(
        _ input: UnsafeRawBufferPointer,
        expectedLength: Int?,
        maximumLength: Int = Codec.defaultMaximumLength
    ) throws(CodecError) -> [UInt8] {
        switch self {
        case .uncompressed:
            if let expectedLength, expectedLength != input.count {
                throw CodecError(
                    codec: .uncompressed,
                    kind: .lengthMismatch,
                    message: "expected \(expectedLength) bytes, found \(input.count)"
                )
            }
            return [UInt8](input)
        case .snappy:
            return try Snappy.decompress(input, expectedLength: expectedLength, maximumLength: maximumLength)
        case .gzip:
            return try Gzip.decompress(input, expectedLength: expectedLength, maximumLength: maximumLength)
        case .zstd:
            return try Zstd.decompress(input, expectedLength: expectedLength, maximumLength: maximumLength)
        }
    }

    /// Decompresses `input`; see ``decompress(_:expectedLength:maximumLength:)-(UnsafeRawBufferPointer,_,_)``.
    public func decompress(
        _ input: [UInt8],
        expectedLength: Int?,
        maximumLength: Int = Codec.defaultMaximumLength
    ) throws(CodecError) -> [UInt8] {
        try input.withCodecBytes { (buffer) throws(CodecError) in
            try decompress(buffer, expectedLength: expectedLength, maximumLength: maximumLength)
        }
    }
}
