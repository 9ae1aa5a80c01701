/// A page body that does not decode: truncated, a bad bit width, an index past the dictionary, and so on.
///
/// Decoders throw it with an offset relative to the buffer they were given; the reader turns it into a
/// ``ParquetError`` naming the file, the column and the page's byte offset.
struct DecoderError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    var message: String
    /// The offset in the decoded buffer where it went wrong, when known.
    var offset: Int?

    init(_ message: String, at offset: Int? = nil) {
        self.message = message
        self.offset = offset
    }

    var description: String {
        if let offset { return "\(message) (at byte \(offset) of the page body)" }
        return message
    }
}
