/// The kind of a page, naming which header of ``PageHeader`` is set.
public enum PageType: Int32, Sendable, Hashable, CaseIterable {
    case dataPage = 0
    case indexPage = 1
    case dictionaryPage = 2
    case dataPageV2 = 3
}
