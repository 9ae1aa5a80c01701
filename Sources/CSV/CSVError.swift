/// A CSV file that cannot be read, with the place and the text at fault.
///
/// Its description reads like `sales.csv:17: column "Forecasted Monthly Revenue": expected int64, found "12x4"`.
public struct CSVError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// The row has more fields than the header.
        case tooManyFields(expected: Int, found: Int)
        /// The row has fewer fields than the header.
        case tooFewFields(expected: Int, found: Int)
        /// A quoted field is not closed before the end of the file.
        case unterminatedQuote
        /// A quote inside an unquoted field, with ``CSVOptions/strict``.
        case quoteInUnquotedField
        /// A closing quote is followed by something other than a delimiter or the end of the line.
        case textAfterClosingQuote
        /// The text does not parse as the column's type (named by its ``CSVColumnType/description``).
        case invalidValue(expected: String)
        /// A string field is not valid UTF-8.
        case invalidUTF8
        /// A row is longer than ``CSVOptions/maxLineBytes``.
        case lineTooLong(limit: Int)
        /// The file has no header row.
        case missingHeader
        /// A column named by the schema or the projection is not in the file.
        case unknownColumn
        /// The file cannot be opened or read (the `errno` text).
        case io(String)
        /// The options or the schema are unusable.
        case invalidOptions(String)
    }

    /// The file, as the path was given to the reader.
    public var file: String
    /// The physical line (1 is the first line of the file) on which the bad row starts, when there is one.
    public var line: Int?
    /// The column at fault, when there is one.
    public var column: String?
    /// The offending field text (invalid bytes shown as U+FFFD, cut after 200 bytes), when there is one.
    public var text: String?
    /// What went wrong.
    public var kind: Kind

    /// Creates an error.
    public init(file: String, line: Int? = nil, column: String? = nil, text: String? = nil, kind: Kind) {
        self.file = file
        self.line = line
        self.column = column
        self.text = text
        self.kind = kind
    }

    /// The error without the file and line: what a rejects file stores as the reason.
    public var reason: String {
        var parts: [String] = []
        if let column { parts.append("column \"\(column)\"") }
        let found = text.map { "\"\($0)\"" } ?? ""
        switch kind {
        case .tooManyFields(let expected, let found): parts.append("expected \(expected) fields, found \(found)")
        case .tooFewFields(let expected, let found): parts.append("expected \(expected) fields, found \(found)")
        case .unterminatedQuote: parts.append("unterminated quoted field")
        case .textAfterClosingQuote: parts.append("text after closing quote in \(found)")
        case .quoteInUnquotedField: parts.append("quote inside an unquoted field in \(found) (strict)")
        case .invalidValue(let expected): parts.append("expected \(expected), found \(found)")
        case .invalidUTF8: parts.append("invalid UTF-8 in \(found)")
        case .lineTooLong(let limit): parts.append("row longer than \(limit) bytes (unterminated quote?)")
        case .missingHeader: parts.append("no header row")
        case .unknownColumn: parts.append("no such column in the header")
        case .io(let message): parts.append(message)
        case .invalidOptions(let message): parts.append(message)
        }
        return parts.joined(separator: ": ")
    }

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(reason)"
    }
}
