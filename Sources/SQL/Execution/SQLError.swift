/// A statement that parses but cannot run: an unknown table or column, a type mismatch, an overflow, a failed read.
/// ``description`` is the whole message, with the caret under the text at fault when there is one.
public struct SQLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// Where in the statement's text, when known.
    public var location: SQLLocation?
    /// The statement's text, for the caret line.
    public var text: String?

    /// Creates an error; `location` and `text` together add the line with a caret.
    public init(_ message: String, at location: SQLLocation? = nil, in text: String? = nil) {
        self.message = message
        self.location = location
        self.text = text
    }

    public var description: String {
        guard let location, let text else { return message }
        return SQLSyntaxError(message: message, location: location, text: Array(text.utf8)).description
    }
}
