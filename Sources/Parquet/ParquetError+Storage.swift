import Storage

extension ParquetError {
    /// A storage failure as a Parquet error of kind ``Kind/io`` (or ``Kind/truncated`` for a file that shrank),
    /// keeping its file, offset and message.
    init(_ storage: StorageError) {
        self.init(
            storage.kind == .truncated ? .truncated : .io,
            storage.message,
            path: storage.name,
            offset: storage.offset
        )
    }

    /// `error` as a ParquetError: itself, a converted ``StorageError``, or an ``Kind/io`` error naming `name`
    /// (a source's or sink's own error) with `message` before its text.
    static func from(_ error: any Error, name: String, offset: Int? = nil, _ message: String) -> ParquetError {
        switch error {
        case let error as ParquetError: error
        case let error as StorageError: ParquetError(error)
        default: ParquetError(.io, "\(message): \(error)", path: name, offset: offset)
        }
    }
}
