/// The Thrift header in front of every page.
public struct PageHeader: Sendable, Hashable {
    /// Which of the specific headers is set (field 1).
    public var type: PageType
    /// Page size after decompression, header excluded (field 2).
    public var uncompressedPageSize: Int32
    /// Page size on disk, header excluded (field 3).
    public var compressedPageSize: Int32
    /// CRC32 of the page bytes on disk (field 4).
    public var crc: Int32?
    /// Field 5.
    public var dataPageHeader: DataPageHeader?
    /// Field 6.
    public var indexPageHeader: IndexPageHeader?
    /// Field 7.
    public var dictionaryPageHeader: DictionaryPageHeader?
    /// Field 8.
    public var dataPageHeaderV2: DataPageHeaderV2?

    public init(
        type: PageType = .dataPage,
        uncompressedPageSize: Int32 = 0,
        compressedPageSize: Int32 = 0,
        crc: Int32? = nil,
        dataPageHeader: DataPageHeader? = nil,
        indexPageHeader: IndexPageHeader? = nil,
        dictionaryPageHeader: DictionaryPageHeader? = nil,
        dataPageHeaderV2: DataPageHeaderV2? = nil
    ) {
        self.type = type
        self.uncompressedPageSize = uncompressedPageSize
        self.compressedPageSize = compressedPageSize
        self.crc = crc
        self.dataPageHeader = dataPageHeader
        self.indexPageHeader = indexPageHeader
        self.dictionaryPageHeader = dictionaryPageHeader
        self.dataPageHeaderV2 = dataPageHeaderV2
    }
}
