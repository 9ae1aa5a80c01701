/// The dialect of a CSV file and how it is read.
///
/// The plain dialect (a one-byte delimiter, quotes escaped by doubling, `\n` or `\r\n` line ends, UTF-8) is parsed
/// straight from the bytes. The other options (a longer delimiter, a backslash escape, lone `\r` line ends, skipped
/// or comment lines, another encoding) first turn the bytes into the plain dialect on the fly, a slower path taken
/// only when they are used. Options listed in ``detect`` are found by the sniffer from the first chunk of the file.
public struct CSVOptions: Sendable, Hashable {
    /// What happens to a row that cannot be read.
    public enum OnError: String, Sendable, Hashable {
        /// The first bad row ends the read with a ``CSVError``.
        case fail
        /// Bad rows go to the reader's reject handler as ``CSVRejectedRow``s and reading continues.
        case reject
    }

    /// How rows end.
    public enum LineTerminator: String, Sendable, Hashable {
        /// `\n`, `\r\n` and a lone `\r` all end a row, also mixed in one file (lone `\r` is recognised when the
        /// first chunk of the file has one).
        case auto
        /// `\n` (a `\r` before it is dropped); a lone `\r` is text.
        case lf
        /// `\r\n`, like ``lf``.
        case crlf
        /// A lone `\r` (and `\n`, `\r\n`) ends a row.
        case cr
    }

    /// The text encoding of the file; anything but UTF-8 is transcoded to UTF-8 as it is read.
    public enum Encoding: String, Sendable, Hashable {
        /// UTF-8; a leading byte-order mark is skipped.
        case utf8 = "utf-8"
        /// UTF-8 with a byte-order mark (skipped).
        case utf8Signature = "utf-8-sig"
        /// UTF-16 with its byte-order mark (little-endian without one).
        case utf16 = "utf-16"
        /// ISO 8859-1: every byte is the code point of its value.
        case latin1 = "latin-1"
        /// Windows code page 1252 (Latin-1 with printable characters in 0x80–0x9F).
        case windows1252 = "windows-1252"
    }

    /// What the sniffer detects from the first chunk of the file, replacing the values given.
    public struct Detection: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// The delimiter, among `,` `;` `\t` `|` space and the two-byte `||` and `, `.
        public static let delimiter = Detection(rawValue: 1)
        /// The quote, `"` or `'`.
        public static let quote = Detection(rawValue: 2)
        /// The escape: the quote itself (doubling) or `\`.
        public static let escape = Detection(rawValue: 4)
        /// Whether the first row is a header (it is when a column's values have a type its first value lacks, or
        /// when every column is text).
        public static let header = Detection(rawValue: 8)
        /// Preamble lines before the header (rows whose field count differs from the rows after them).
        public static let skip = Detection(rawValue: 16)
        /// The encoding: UTF-16 by its byte-order mark, Windows-1252 when the sample is not valid UTF-8.
        public static let encoding = Detection(rawValue: 32)
        /// Lone `\r` row ends (then ``LineTerminator/cr``).
        public static let lineTerminator = Detection(rawValue: 64)
        /// Everything the sniffer can detect.
        public static let all: Detection = [.delimiter, .quote, .escape, .header, .skip, .encoding, .lineTerminator]
    }

    /// The field separator when it is one byte. Default `,`. See ``delimiterBytes`` for longer ones.
    public var delimiter: UInt8 {
        get { delimiterBytes[0] }
        set { delimiterBytes = [newValue] }
    }
    /// The field separator, 1 to 4 bytes (`,`, `||`, `", "`). Default `,`.
    public var delimiterBytes: [UInt8] = [UInt8(ascii: ",")]
    /// The quote character; inside a quoted field it is escaped by doubling (or by ``escape``). Default `"`.
    public var quote: UInt8 = UInt8(ascii: "\"")
    /// The escape character inside quoted fields: `nil` (the default) means the quote doubled; `\` makes `\"` a quote
    /// and `\\` a backslash (a doubled quote is still a quote).
    public var escape: UInt8? = nil
    /// How rows end. Default ``LineTerminator/lf`` (`\n` or `\r\n`, as RFC 4180 readers do); job files and
    /// `sluice schema` default to ``LineTerminator/auto``.
    public var lineTerminator: LineTerminator = .lf
    /// Physical lines skipped before the header (or the first row). Default 0.
    public var skipLines: Int = 0
    /// Lines starting with these bytes (outside a quoted field) are skipped; `nil` (the default) skips none.
    public var comment: [UInt8]? = nil
    /// Whether the first row holds the column names. Without a header, columns are named `column1`, `column2`, ….
    /// Duplicate names are made unique (`a`, `a_1`, `a_2`) and empty ones become `column<N>` (N counts from 1).
    public var hasHeader: Bool = true
    /// Whether a row with fewer fields than the header gets nulls for the missing ones instead of being rejected.
    public var nullPadding: Bool = false
    /// Whether fields past the header's are dropped instead of rejecting the row.
    public var ignoreExtraFields: Bool = false
    /// The text encoding. Default UTF-8.
    public var encoding: Encoding = .utf8
    /// Whether a quote inside an unquoted field is an error (`true`) or text (`false`, the default). Without it, text
    /// after a closing quote is also kept on the slower path.
    public var strict: Bool = false
    /// The decimal separator of `double` values: `.` (the default) or `,` (`3,14`).
    public var decimalSeparator: UInt8 = UInt8(ascii: ".")
    /// A thousands separator in `int64` and `double` values (`1,234,567`, `1,234.5`, `1.234,5`), removed before
    /// parsing; `nil` (the default) allows none.
    public var thousandsSeparator: UInt8? = nil
    /// What the sniffer detects from the file; default none (the options are taken as given).
    public var detect: Detection = []
    /// The most rows in one batch.
    public var batchSize: Int = 65_536
    /// How many bytes are read from the file at a time.
    public var chunkSize: Int = 4 << 20
    /// The longest row, in bytes, the reader accepts. A longer one (for example after an unterminated quote) ends the
    /// read with ``CSVError/Kind/lineTooLong(limit:)``, also when bad rows are rejected, since the reader cannot
    /// tell where the row ends. Together with ``chunkSize`` this bounds the reader's memory: two buffers of
    /// `chunkSize + maxLineBytes` bytes.
    public var maxLineBytes: Int = 8 << 20
    /// What to do with bad rows.
    public var onError: OnError = .fail
    /// How many threads parse a chunk; `nil` means one per available core.
    public var threads: Int? = nil

    /// Creates options; every argument has the default of its property.
    public init(
        delimiter: UInt8 = UInt8(ascii: ","),
        quote: UInt8 = UInt8(ascii: "\""),
        hasHeader: Bool = true,
        batchSize: Int = 65_536,
        chunkSize: Int = 4 << 20,
        maxLineBytes: Int = 8 << 20,
        onError: OnError = .fail,
        threads: Int? = nil
    ) {
        self.delimiterBytes = [delimiter]
        self.quote = quote
        self.hasHeader = hasHeader
        self.batchSize = batchSize
        self.chunkSize = chunkSize
        self.maxLineBytes = maxLineBytes
        self.onError = onError
        self.threads = threads
    }

    /// Whether the bytes are parsed directly: no option of the slower path is used.
    var isPlain: Bool {
        delimiterBytes.count == 1 && (escape == nil || escape == quote) && lineTerminator != .cr && skipLines == 0
            && (comment?.isEmpty ?? true) && (encoding == .utf8 || encoding == .utf8Signature)
    }

    /// The problem with these options, naming the option, or `nil` when they are usable.
    public var problem: String? {
        let lineBreaks: Set<UInt8> = [UInt8(ascii: "\n"), UInt8(ascii: "\r")]
        if chunkSize <= 0 { return "chunk size must be positive" }
        if batchSize <= 0 { return "batch size must be positive" }
        if maxLineBytes <= 0 { return "maximum line size must be positive" }
        if delimiterBytes.isEmpty || delimiterBytes.count > 4 { return "delimiter must be 1 to 4 bytes" }
        if delimiterBytes.contains(quote) { return "delimiter and quote must differ" }
        if delimiterBytes.contains(where: lineBreaks.contains) || lineBreaks.contains(quote) {
            return "delimiter and quote cannot be line breaks"
        }
        if let escape, escape != quote {
            if lineBreaks.contains(escape) || delimiterBytes.contains(escape) {
                return "escape cannot be a line break or part of the delimiter"
            }
        }
        if skipLines < 0 { return "skip must not be negative" }
        if decimalSeparator != UInt8(ascii: ".") && decimalSeparator != UInt8(ascii: ",") {
            return "decimal separator must be \".\" or \",\""
        }
        if let thousandsSeparator, thousandsSeparator == decimalSeparator {
            return "thousands and decimal separators must differ"
        }
        if let comment {
            if comment.isEmpty { return "comment must not be empty" }
            if comment.contains(where: lineBreaks.contains) { return "comment cannot hold a line break" }
        }
        return nil
    }
}
