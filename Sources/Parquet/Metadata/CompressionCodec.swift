/// The block compression of the pages of a column chunk.
public enum CompressionCodec: Int32, Sendable, Hashable, CaseIterable {
    case uncompressed = 0
    case snappy = 1
    case gzip = 2
    case lzo = 3
    case brotli = 4
    /// Deprecated Hadoop-framed LZ4.
    case lz4 = 5
    case zstd = 6
    case lz4Raw = 7
}
