/// The footer of a Parquet file.
public struct FileMetaData: Sendable, Hashable {
    /// Format version; writers use 1 (field 1).
    public var version: Int32
    /// The schema tree, flattened depth first, root first (field 2).
    public var schema: [SchemaElement]
    /// Field 3.
    public var numRows: Int64
    /// Field 4.
    public var rowGroups: [RowGroup]
    /// Field 5.
    public var keyValueMetadata: [KeyValue]?
    /// The writing application, `<app> version <version> (build <hash>)` (field 6).
    public var createdBy: String?
    /// One order per leaf column (field 7).
    public var columnOrders: [ColumnOrder]?
    /// Field 8.
    public var encryptionAlgorithm: EncryptionAlgorithm?
    /// Field 9.
    public var footerSigningKeyMetadata: [UInt8]?

    public init(
        version: Int32 = 1,
        schema: [SchemaElement] = [],
        numRows: Int64 = 0,
        rowGroups: [RowGroup] = [],
        keyValueMetadata: [KeyValue]? = nil,
        createdBy: String? = nil,
        columnOrders: [ColumnOrder]? = nil,
        encryptionAlgorithm: EncryptionAlgorithm? = nil,
        footerSigningKeyMetadata: [UInt8]? = nil
    ) {
        self.version = version
        self.schema = schema
        self.numRows = numRows
        self.rowGroups = rowGroups
        self.keyValueMetadata = keyValueMetadata
        self.createdBy = createdBy
        self.columnOrders = columnOrders
        self.encryptionAlgorithm = encryptionAlgorithm
        self.footerSigningKeyMetadata = footerSigningKeyMetadata
    }
}
