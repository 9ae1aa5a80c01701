extension Snappy {
    /// Decodes the tags of `input` starting at `start` into `output`, which must be exactly the declared length.
    /// Every tag is checked: literals and copies may not run past the input or the output, and a copy's offset
    /// must point into the bytes already produced.
    static func decompressBody(
        _ input: UnsafeRawBufferPointer,
        from start: Int,
        into output: UnsafeMutableRawBufferPointer
    ) throws(CodecError) {
        guard let outputBase = output.baseAddress, output.count > 0 else {
            if start < input.count {
                throw error(.lengthMismatch, "data follows a block that declares 0 uncompressed bytes", start)
            }
            return
        }
        guard let inputBase = input.baseAddress, start < input.count else {
            throw error(.truncated, "input ends before any data (\(output.count) bytes declared)", input.count)
        }
        let inputEnd = inputBase + input.count
        let outputEnd = outputBase + output.count
        var ip = inputBase + start
        var op = outputBase

        while ip < inputEnd {
            let tagStart = ip
            let tag = Int(ip.load(as: UInt8.self))
            ip += 1
            if tag & 3 == 0 {
                // Literal: length - 1 in the tag, or in the 1...4 bytes after it.
                var length = (tag >> 2) + 1
                if length > 60 {
                    let extra = length - 60
                    guard inputEnd - ip >= extra else {
                        throw error(.truncated, "literal length runs past the end of the input", tagStart - inputBase)
                    }
                    var value = 0
                    for index in 0..<extra {
                        value |= Int(ip.load(fromByteOffset: index, as: UInt8.self)) << (8 * index)
                    }
                    ip += extra
                    length = value + 1
                }
                let available = inputEnd - ip
                let room = outputEnd - op
                if length <= 16 && available >= 16 && room >= 16 {
                    op.storeBytes(of: ip.loadUnaligned(as: UInt64.self), as: UInt64.self)
                    (op + 8).storeBytes(of: ip.loadUnaligned(fromByteOffset: 8, as: UInt64.self), as: UInt64.self)
                } else {
                    guard length <= available else {
                        throw error(
                            .truncated,
                            "literal of \(length) bytes runs past the end of the input (\(available) left)",
                            tagStart - inputBase
                        )
                    }
                    guard length <= room else {
                        throw error(
                            .lengthMismatch,
                            "literal of \(length) bytes overruns the declared length (\(room) bytes left)",
                            tagStart - inputBase
                        )
                    }
                    op.copyMemory(from: ip, byteCount: length)
                }
                ip += length
                op += length
                continue
            }

            // Copy: length and offset from the tag and the 1, 2 or 4 bytes after it.
            let length: Int
            let offset: Int
            switch tag & 3 {
            case 1:
                guard inputEnd - ip >= 1 else {
                    throw error(.truncated, "copy tag runs past the end of the input", tagStart - inputBase)
                }
                length = 4 + ((tag >> 2) & 7)
                offset = ((tag >> 5) << 8) | Int(ip.load(as: UInt8.self))
                ip += 1
            case 2:
                guard inputEnd - ip >= 2 else {
                    throw error(.truncated, "copy tag runs past the end of the input", tagStart - inputBase)
                }
                length = (tag >> 2) + 1
                offset = Int(UInt16(littleEndian: ip.loadUnaligned(as: UInt16.self)))
                ip += 2
            default:
                guard inputEnd - ip >= 4 else {
                    throw error(.truncated, "copy tag runs past the end of the input", tagStart - inputBase)
                }
                length = (tag >> 2) + 1
                offset = Int(UInt32(littleEndian: ip.loadUnaligned(as: UInt32.self)))
                ip += 4
            }
            let produced = op - outputBase
            guard offset > 0 && offset <= produced else {
                throw error(
                    .malformed,
                    "copy offset \(offset) is outside the \(produced) bytes decoded so far",
                    tagStart - inputBase
                )
            }
            let room = outputEnd - op
            var source = UnsafeRawPointer(op - offset)
            if offset >= 8 && room >= length + 8 {
                // Non-overlapping in 8-byte steps; may write up to 7 bytes past the copy, inside the output.
                var copied = 0
                repeat {
                    (op + copied).storeBytes(of: (source + copied).loadUnaligned(as: UInt64.self), as: UInt64.self)
                    copied += 8
                } while copied < length
                op += length
                continue
            }
            guard length <= room else {
                throw error(
                    .lengthMismatch,
                    "copy of \(length) bytes overruns the declared length (\(room) bytes left)",
                    tagStart - inputBase
                )
            }
            if offset < 8 && room >= length + 16 {
                // A short repeating pattern: widen it to at least 8 bytes, then copy in 8-byte steps.
                var target = op
                let end = op + length
                var distance = offset
                while distance < 8 {
                    target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
                    target += distance
                    distance += distance
                }
                source = UnsafeRawPointer(target - distance)
                while target < end {
                    target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
                    target += 8
                    source += 8
                }
                op = end
                continue
            }
            for index in 0..<length {
                (op + index).storeBytes(of: source.load(fromByteOffset: index, as: UInt8.self), as: UInt8.self)
            }
            op += length
        }
        guard op == outputEnd else {
            throw error(
                .truncated,
                "input ends after \(op - outputBase) of the \(output.count) declared bytes",
                input.count
            )
        }
    }

    private static func error(_ kind: CodecError.Kind, _ message: String, _ offset: Int) -> CodecError {
        CodecError(codec: .snappy, kind: kind, message: message, offset: offset)
    }
}
