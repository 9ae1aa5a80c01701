/// A value or level encoding.
public enum Encoding: Int32, Sendable, Hashable, CaseIterable {
    case plain = 0
    /// Deprecated dictionary encoding (data pages of old writers; PLAIN for dictionary pages).
    case plainDictionary = 2
    /// The RLE/bit-packed hybrid (levels and booleans).
    case rle = 3
    /// Deprecated bit packing for levels.
    case bitPacked = 4
    case deltaBinaryPacked = 5
    case deltaLengthByteArray = 6
    case deltaByteArray = 7
    /// Dictionary indices in the RLE/bit-packed hybrid, preceded by a one-byte bit width.
    case rleDictionary = 8
    case byteStreamSplit = 9
}
