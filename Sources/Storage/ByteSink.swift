/// Streaming output (the Parquet and CSV writers'): a local file, or a multipart upload to an object store.
///
/// A writer calls ``write(_:)`` in order, then either ``close()`` once when the output is complete, or ``abort()``
/// when it fails or is dropped, so that no partial output is left behind.
public protocol ByteSink: AnyObject {
    /// What is written, for errors: a path or an `s3://bucket/key` URL.
    var name: String { get }
    /// Appends all of `bytes`.
    ///
    /// - Throws: ``StorageError`` (or the sink's own error) when the bytes cannot be written.
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Finishes the output and makes it durable (a local file is closed; an upload is completed).
    ///
    /// - Throws: ``StorageError`` when the output cannot be finished; it is then incomplete.
    func close() throws
    /// Discards what was written (a local file is removed; an upload is aborted). Never throws; safe to call after
    /// a failed ``write(_:)`` or ``close()``.
    func abort()
}
