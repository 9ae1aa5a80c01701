/// The dialect of a CSV file and how it is read.
public struct CSVOptions: Sendable, Hashable {
    /// What happens to a row that cannot be read.
    public enum OnError: String, Sendable, Hashable {
        /// The first bad row ends the read with a ``CSVError``.
        case fail
        /// Bad rows go to the reader's reject handler as ``CSVRejectedRow``s and reading continues.
        case reject
    }

    /// The field separator. Default `,`.
    public var delimiter: UInt8 = UInt8(ascii: ",")
    /// The quote character; inside a quoted field it is escaped by doubling. Default `"`.
    public var quote: UInt8 = UInt8(ascii: "\"")
    /// Whether the first row holds the column names. Without a header, columns are named `column1`, `column2`, ….
    public var hasHeader: Bool = true
    /// The most rows in one batch.
    public var batchSize: Int = 65_536
    /// How many bytes are read from the file at a time.
    public var chunkSize: Int = 4 << 20
    /// The longest row, in bytes, the reader accepts. A longer one (for example after an unterminated quote) ends the
    /// read with ``CSVError/Kind/lineTooLong(limit:)``, also when bad rows are rejected, since the reader cannot
    /// tell where the row ends. Together with ``chunkSize`` this bounds the reader's memory: two buffers of
    /// `chunkSize + maxLineBytes` bytes.
    public var maxLineBytes: Int = 8 << 20
    /// What to do with bad rows.
    public var onError: OnError = .fail
    /// How many threads parse a chunk; `nil` means one per available core.
    public var threads: Int? = nil

    /// Creates options; every argument has the default of its property.
    public init(
        delimiter: UInt8 = UInt8(ascii: ","),
        quote: UInt8 = UInt8(ascii: "\""),
        hasHeader: Bool = true,
        batchSize: Int = 65_536,
        chunkSize: Int = 4 << 20,
        maxLineBytes: Int = 8 << 20,
        onError: OnError = .fail,
        threads: Int? = nil
    ) {
        self.delimiter = delimiter
        self.quote = quote
        self.hasHeader = hasHeader
        self.batchSize = batchSize
        self.chunkSize = chunkSize
        self.maxLineBytes = maxLineBytes
        self.onError = onError
        self.threads = threads
    }
}
