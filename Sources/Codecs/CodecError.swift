/// An error from compressing or decompressing a block: names the codec, what went wrong and, where it is known,
/// the byte offset in the compressed input at which decoding failed.
public struct CodecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Kind: String, Sendable, Hashable {
        /// The input ended before the compressed stream did.
        case truncated
        /// The input is not a valid stream for the codec (bad tag, bad offset, bad header, bad checksum, ...).
        case malformed
        /// The decompressed data is not the length the caller (or the stream's own header) said it would be.
        case lengthMismatch
        /// The decompressed data would exceed the allocation limit.
        case limitExceeded
        /// The codec library failed for a reason unrelated to the input (out of memory, bad parameters).
        case library
    }

    /// The codec that failed.
    public var codec: Codec
    /// What kind of failure this is.
    public var kind: Kind
    /// A human-readable explanation: what was found and what was expected.
    public var message: String
    /// The byte offset in the compressed input where the problem was found, when the codec can tell.
    public var offset: Int?

    public init(codec: Codec, kind: Kind, message: String, offset: Int? = nil) {
        self.codec = codec
        self.kind = kind
        self.message = message
        self.offset = offset
    }

    public var description: String {
        if let offset {
            return "\(codec.rawValue): \(message) (at compressed byte offset \(offset))"
        }
        return "\(codec.rawValue): \(message)"
    }
}
