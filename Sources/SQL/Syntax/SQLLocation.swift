/// A place in a SQL text: the byte offset, and the 1-based line and column (in characters of its line) of a token.
public struct SQLLocation: Sendable, Hashable, CustomStringConvertible {
    /// The byte offset from the start of the text.
    public var offset: Int
    /// The line, from 1.
    public var line: Int
    /// The column, from 1, in bytes of the line (ASCII SQL: characters).
    public var column: Int

    /// Creates a location.
    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// E.g. `line 2, column 15`.
    public var description: String { "line \(line), column \(column)" }
}
