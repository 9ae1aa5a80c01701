/// Bytes read once from the start to the end (the CSV reader's input): a local file, an object read in ranges.
///
/// One read is in flight at a time, but not always from the same thread: a reader may hand the source to a thread
/// that reads ahead.
public protocol SequentialByteSource: AnyObject {
    /// What the bytes are, for errors: a path or an `s3://bucket/key` URL.
    var name: String { get }
    /// The total size in bytes when known (for progress).
    var size: Int? { get }
    /// Reads up to `count` bytes into `destination`; fewer only at the end (0 once it is reached).
    ///
    /// - Throws: ``StorageError`` (or the source's own error) when the bytes cannot be read.
    func read(into destination: UnsafeMutableRawPointer, count: Int) throws -> Int
}
