/// Streaming output (the Parquet and CSV writers'): a local file, or a multipart upload to an object store.
///
/// A writer calls ``write(_:)`` in order, then either ``close()`` once when the output is complete, or ``abort()``
/// when it fails or is dropped, so that no partial output is left behind.
///
/// Calls come one at a time, but not always from the same thread: the Parquet writer writes its row groups from a
/// background thread while it encodes the next one, and writes the footer and calls ``close()`` from the caller's.
/// Writes are large (a row group's pages, or about 1 MiB of CSV), so a sink need not buffer small ones.
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
