/// Random-access bytes that a reader pulls ranges from: a local file, an object store, bytes in memory.
///
/// Reads are positional, so one source serves concurrent readers (the Parquet reader decodes columns on several
/// threads at once).
public protocol ByteSource: Sendable {
    /// What the bytes are, for errors: a path or an `s3://bucket/key` URL.
    var name: String { get }
    /// The total size in bytes.
    var size: Int { get }
    /// Reads `count` bytes at `offset`; the range must lie within ``size``.
    ///
    /// - Throws: ``StorageError`` (or the source's own error) when the bytes cannot be read.
    func read(at offset: Int, count: Int) throws -> [UInt8]
    /// A hint that `ranges` are read next, so that a remote source can fetch them ahead (coalesced, in parallel).
    ///
    /// The Parquet reader announces exactly the ranges it then reads with ``read(at:count:)`` (the column chunks
    /// of a row group, or of several), in the order it will read them, though reads of different ranges may come
    /// from several threads at once. Called once per row group or batch of row groups, never per value; a local
    /// source ignores it.
    func willRead(_ ranges: [Range<Int>])
}

extension ByteSource {
    /// Does nothing: the source reads each range when it is asked for.
    public func willRead(_ ranges: [Range<Int>]) {}
}
