/// Whether a schema element is required, optional or repeated.
public enum FieldRepetitionType: Int32, Sendable, Hashable, CaseIterable {
    case required = 0
    case optional = 1
    case repeated = 2
    /// A fixed-size vector group.
    case vector = 3
}
