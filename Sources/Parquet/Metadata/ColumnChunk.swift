/// One column of one row group: where its pages are and their metadata.
public struct ColumnChunk: Sendable, Hashable {
    /// External file holding the data; unused in practice (field 1).
    public var filePath: String?
    /// Deprecated; written as 0 (field 2, required).
    public var fileOffset: Int64
    /// The chunk's metadata (field 3; written by every writer).
    public var metaData: ColumnMetaData?
    /// File offset of the chunk's ``OffsetIndex`` (field 4).
    public var offsetIndexOffset: Int64?
    /// Byte length of the ``OffsetIndex`` (field 5).
    public var offsetIndexLength: Int32?
    /// File offset of the chunk's ``ColumnIndex`` (field 6).
    public var columnIndexOffset: Int64?
    /// Byte length of the ``ColumnIndex`` (field 7).
    public var columnIndexLength: Int32?
    /// Field 8.
    public var cryptoMetadata: ColumnCryptoMetaData?
    /// Field 9.
    public var encryptedColumnMetadata: [UInt8]?

    public init(
        filePath: String? = nil,
        fileOffset: Int64 = 0,
        metaData: ColumnMetaData? = nil,
        offsetIndexOffset: Int64? = nil,
        offsetIndexLength: Int32? = nil,
        columnIndexOffset: Int64? = nil,
        columnIndexLength: Int32? = nil,
        cryptoMetadata: ColumnCryptoMetaData? = nil,
        encryptedColumnMetadata: [UInt8]? = nil
    ) {
        self.filePath = filePath
        self.fileOffset = fileOffset
        self.metaData = metaData
        self.offsetIndexOffset = offsetIndexOffset
        self.offsetIndexLength = offsetIndexLength
        self.columnIndexOffset = columnIndexOffset
        self.columnIndexLength = columnIndexLength
        self.cryptoMetadata = cryptoMetadata
        self.encryptedColumnMetadata = encryptedColumnMetadata
    }
}
