/// A row that could not be read, as handed to ``CSVReader/onReject`` when ``CSVOptions/onError`` is `.reject`.
public struct CSVRejectedRow: Sendable, Hashable {
    /// The physical line (1 is the first line of the file) on which the row starts.
    public var lineNumber: Int
    /// Why the row was rejected.
    public var error: CSVError
    /// The row's bytes exactly as in the file, untruncated, without its line terminator. A row with quoted
    /// newlines spans several physical lines.
    public var rawLine: [UInt8]

    /// Creates a rejected row.
    public init(lineNumber: Int, error: CSVError, rawLine: [UInt8]) {
        self.lineNumber = lineNumber
        self.error = error
        self.rawLine = rawLine
    }

    /// The reason, without file and line: for example `column "Date": expected date(M/d/yyyy), found "13/45/2011"`.
    public var reason: String { error.reason }
}
