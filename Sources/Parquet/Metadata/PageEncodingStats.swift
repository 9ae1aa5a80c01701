/// How many pages of a type use an encoding.
public struct PageEncodingStats: Sendable, Hashable {
    /// Field 1.
    public var pageType: PageType
    /// Field 2.
    public var encoding: Encoding
    /// Field 3.
    public var count: Int32

    public init(pageType: PageType = .dataPage, encoding: Encoding = .plain, count: Int32 = 0) {
        self.pageType = pageType
        self.encoding = encoding
        self.count = count
    }
}
