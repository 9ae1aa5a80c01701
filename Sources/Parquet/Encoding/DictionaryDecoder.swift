import Columnar

/// Decodes dictionary-encoded data pages (PLAIN_DICTIONARY, RLE_DICTIONARY): a one-byte bit width, then the
/// indices in the RLE/bit-packed hybrid (without a length prefix), each checked against the dictionary size.
enum DictionaryDecoder {
    /// Decodes `count` indices into a dictionary of `dictionaryCount` entries.
    static func decodeIndices(
        _ buffer: UnsafeRawBufferPointer,
        count: Int,
        dictionaryCount: Int
    ) throws -> [UInt32] {
        guard count > 0 else { return [] }
        guard buffer.count >= 1 else { throw DecoderError("dictionary indices missing their bit width", at: 0) }
        let bitWidth = Int(buffer[0])
        guard bitWidth <= 32 else {
            throw DecoderError("dictionary index bit width \(bitWidth) exceeds 32", at: 0)
        }
        // Width 0 means every index is 0: parquet-java writes it for one-entry dictionaries, and Arrow for a page
        // written while the dictionary (which may grow later in the chunk) had one entry.
        var decoder = try RLEHybridDecoder(UnsafeRawBufferPointer(rebasing: buffer[1...]), bitWidth: bitWidth)
        let indices = try decoder.decode(count: count)
        let limit = UInt32(clamping: dictionaryCount)
        for (i, index) in indices.enumerated() where index >= limit {
            throw DecoderError(
                "dictionary index \(index) at value \(i) is out of range (dictionary has \(dictionaryCount) entries)"
            )
        }
        return indices
    }

    /// Appends `dictionary[index]` for every index (already range-checked) to `out`.
    static func gather<T>(_ dictionary: [T], _ indices: [UInt32], into out: inout [T]) {
        out.reserveAdditional(indices.count)
        dictionary.withUnsafeBufferPointer { entries in
            for index in indices { out.append(entries[Int(index)]) }
        }
    }

    /// Appends the byte arrays `dictionary[index]` for every index (already range-checked) to `out`.
    /// Throws when the result would exceed `limit` bytes.
    static func gather(
        _ dictionary: ByteArrays,
        _ indices: [UInt32],
        limit: Int = DeltaByteArrayDecoder.maximumDecodedBytes,
        into out: inout ByteArrays
    ) throws {
        var total = 0
        dictionary.offsets.withUnsafeBufferPointer { offsets in
            for index in indices {
                let i = Int(index)
                total &+= offsets[i + 1] - offsets[i]
                if total > limit { break }
            }
        }
        guard total <= limit else { throw DecoderError("dictionary page decodes to more than \(limit) bytes") }
        let base = out.data.count
        let data = [UInt8](unsafeUninitializedCapacity: total) { destination, initialized in
            dictionary.data.withUnsafeBufferPointer { source in
                dictionary.offsets.withUnsafeBufferPointer { offsets in
                    var write = 0
                    for index in indices {
                        let i = Int(index)
                        let start = offsets[i]
                        let length = offsets[i + 1] - start
                        // Values are mostly short: a plain loop beats a memmove call per value.
                        if length <= 16 {
                            for k in 0..<length { destination[write + k] = source[start + k] }
                        } else {
                            UnsafeMutableRawPointer(destination.baseAddress! + write).copyMemory(
                                from: source.baseAddress! + start,
                                byteCount: length
                            )
                        }
                        write += length
                    }
                }
            }
            initialized = total
        }
        dictionary.offsets.withUnsafeBufferPointer { offsets in
            out.offsets.append(count: indices.count) { ends in
                var end = base
                for (k, index) in indices.enumerated() {
                    let i = Int(index)
                    end += offsets[i + 1] - offsets[i]
                    ends[k] = end
                }
            }
        }
        if out.data.isEmpty { out.data = data } else { out.data.append(contentsOf: data) }
    }
}
