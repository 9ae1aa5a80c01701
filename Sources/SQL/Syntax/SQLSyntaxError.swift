/// A SQL text that cannot be read: what was expected and what was found, at a line and column, shown with the line
/// and a caret under the token.
public struct SQLSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, e.g. `expected an expression, found "FROM"`.
    public var message: String
    /// Where.
    public var location: SQLLocation
    /// The line of the text the error is on.
    public var sourceLine: String

    /// Creates an error at `location` of `text`.
    public init(message: String, location: SQLLocation, text: [UInt8]) {
        self.message = message
        self.location = location
        var start = min(location.offset, text.count)
        while start > 0, text[start - 1] != UInt8(ascii: "\n") { start -= 1 }
        var end = start
        while end < text.count, text[end] != UInt8(ascii: "\n"), text[end] != UInt8(ascii: "\r") { end += 1 }
        sourceLine = String(decoding: text[start..<end], as: UTF8.self)
    }

    /// E.g.
    /// ```
    /// line 1, column 14: expected an expression, found "FROM"
    ///   SELECT a, b, FROM t
    ///                ^
    /// ```
    public var description: String {
        let caret = String(repeating: " ", count: max(location.column - 1, 0)) + "^"
        return "\(location): \(message)\n  \(sourceLine)\n  \(caret)"
    }
}
