/// A failure to read or write bytes, naming the file or object and the byte offset.
///
/// Its description reads like `data/sales.parquet, byte 4096: read failed: Input/output error`.
public struct StorageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A broad category, for callers that branch on the kind of failure.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        /// The kind's name.
        public var name: String

        /// Creates a kind.
        public init(_ name: String) { self.name = name }

        public var description: String { name }

        /// The bytes could not be opened, read, written or closed.
        public static let io = Kind("io")
        /// The file or object does not exist.
        public static let notFound = Kind("not found")
        /// The data ended before the bytes asked for (a file that shrank while it was read).
        public static let truncated = Kind("truncated")
    }

    /// The category of the failure.
    public var kind: Kind
    /// The file or object: a path or an `s3://bucket/key` URL.
    public var name: String
    /// The byte offset where the failure happened, when known.
    public var offset: Int?
    /// What went wrong (with the system's text, e.g. the `errno` message).
    public var message: String

    /// Creates an error.
    public init(_ kind: Kind = .io, name: String, offset: Int? = nil, message: String) {
        self.kind = kind
        self.name = name
        self.offset = offset
        self.message = message
    }

    public var description: String {
        "\(name)\(offset.map { ", byte \($0)" } ?? ""): \(message)"
    }
}
