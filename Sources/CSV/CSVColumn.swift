/// A named column of a CSV file and the type it is read as.
public struct CSVColumn: Sendable, Hashable {
    /// The header text of the column, exactly as in the file (surrounding spaces included).
    public var name: String
    /// How the column's text is converted.
    public var type: CSVColumnType

    /// Creates a column description.
    public init(name: String, type: CSVColumnType) {
        self.name = name
        self.type = type
    }
}
