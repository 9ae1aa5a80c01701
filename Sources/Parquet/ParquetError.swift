/// An error reading or writing a Parquet file, with the context needed to find the problem.
///
/// Every error names what was expected; when known it also names the file, the column and the byte
/// offset in the file where the problem was found.
public struct ParquetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A broad category, for callers and tests that branch on the kind of failure.
    ///
    /// Extensible: other files of the module may add kinds in an extension.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        /// The kind's name.
        public var name: String

        /// Creates a kind.
        public init(_ name: String) { self.name = name }

        public var description: String { name }

        /// The file could not be opened, read, written or closed.
        public static let io = Kind("io")
        /// The file ends before a structure that it announces.
        public static let truncated = Kind("truncated")
        /// The file does not start or end with `PAR1`.
        public static let badMagic = Kind("bad magic")
        /// Thrift metadata (footer or page header) that does not decode or is inconsistent.
        public static let invalidMetadata = Kind("invalid metadata")
        /// Page data that does not decode.
        public static let corruptPage = Kind("corrupt page")
        /// A feature of the format that this implementation does not support.
        public static let unsupported = Kind("unsupported")
        /// An argument or input batch that the caller got wrong (schema mismatch, writing after close, …).
        public static let invalidArgument = Kind("invalid argument")
    }

    /// The category of the failure.
    public var kind: Kind
    /// What went wrong and what was expected.
    public var message: String
    /// The file, when known.
    public var path: String?
    /// The column (its dotted path in the schema), when known.
    public var column: String?
    /// The byte offset in the file, when known.
    public var offset: Int?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, path: String? = nil, column: String? = nil, offset: Int? = nil) {
        self.kind = kind
        self.message = message
        self.path = path
        self.column = column
        self.offset = offset
    }

    public var description: String {
        var text = "parquet"
        if let path { text += " \(path)" }
        if let column { text += ", column \(column)" }
        if let offset { text += ", byte \(offset)" }
        return text + ": \(kind): \(message)"
    }

    /// This error with the file path filled in if it was not known yet.
    public func inFile(_ path: String) -> ParquetError {
        var copy = self
        if copy.path == nil { copy.path = path }
        return copy
    }

    /// This error with the column filled in if it was not known yet.
    public func inColumn(_ column: String) -> ParquetError {
        var copy = self
        if copy.column == nil { copy.column = column }
        return copy
    }
}
