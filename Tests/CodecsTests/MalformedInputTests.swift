import Codecs
import TestSupport
import Testing

/// Malformed, truncated and mislabelled input must fail with a `CodecError` naming the problem: never a crash,
/// a hang or an allocation driven by an untrusted size.
@Suite struct MalformedInputTests {
    static let text = Samples.make(.text, count: 50_000)

    // MARK: Snappy

    @Test func snappyTruncatedBlock() throws {
        let compressed = Snappy.compress(Self.text)
        for cut in [1, 2, 7, compressed.count / 2, compressed.count - 1] {
            let error = #expect(throws: CodecError.self) {
                try Snappy.decompress(Array(compressed.prefix(cut)), expectedLength: Self.text.count)
            }
            #expect(error?.codec == .snappy)
            #expect(error?.kind == .truncated, "cut at \(cut): \(String(describing: error))")
            #expect(error?.offset != nil)
        }
    }

    @Test func snappyCopyOffsetBeyondOutput() throws {
        // Length 5; literal "a" (tag 0x00); then a 1-byte-offset copy of 4 bytes at offset 2, but 1 byte exists.
        let input: [UInt8] = [5, 0x00, UInt8(ascii: "a"), 0x01, 2]
        let error = #expect(throws: CodecError.self) { try Snappy.decompress(input, expectedLength: 5) }
        #expect(error?.kind == .malformed)
        #expect(error?.offset == 3)
        #expect(error?.message.contains("offset 2") == true)
    }

    @Test func snappyCopyOffsetZero() throws {
        let input: [UInt8] = [5, 0x00, UInt8(ascii: "a"), 0x01, 0]
        let error = #expect(throws: CodecError.self) { try Snappy.decompress(input, expectedLength: 5) }
        #expect(error?.kind == .malformed)
        #expect(error?.offset == 3)
    }

    @Test func snappyFourByteOffsetCopyBeyondOutput() throws {
        // Copy with 4-byte offset 0x01000000 after one literal byte.
        let input: [UInt8] = [5, 0x00, UInt8(ascii: "a"), 0x03 | (3 << 2), 0, 0, 0, 1]
        let error = #expect(throws: CodecError.self) { try Snappy.decompress(input, expectedLength: 5) }
        #expect(error?.kind == .malformed)
        #expect(error?.offset == 3)
    }

    @Test func snappyLiteralOverrunsInput() throws {
        // Declares 100 bytes; a literal of 61 bytes (tag 60 << 2, one length byte 60) but only 3 bytes follow.
        let input: [UInt8] = [100, 60 << 2, 60, 1, 2, 3]
        let error = #expect(throws: CodecError.self) { try Snappy.decompress(input, expectedLength: 100) }
        #expect(error?.kind == .truncated)
        #expect(error?.offset == 1)
    }

    @Test func snappyDataBeyondDeclaredLength() throws {
        // Declares 2 bytes, holds a 4-byte literal.
        let input: [UInt8] = [2, 3 << 2, 1, 2, 3, 4]
        let error = #expect(throws: CodecError.self) { try Snappy.decompress(input, expectedLength: 2) }
        #expect(error?.kind == .lengthMismatch)
        #expect(error?.offset == 1)
    }

    @Test func snappyWrongExpectedLength() throws {
        let compressed = Snappy.compress(Self.text)
        for wrong in [0, Self.text.count - 1, Self.text.count + 1, 1 << 40] {
            let error = #expect(throws: CodecError.self) { try Snappy.decompress(compressed, expectedLength: wrong) }
            #expect(error?.kind == .lengthMismatch)
            #expect(error?.message.contains("expected \(wrong)") == true)
        }
    }

    @Test func snappyHugeDeclaredLengthIsRejectedBeforeAllocating() throws {
        // A 5-byte preamble declaring 4 GiB - 1 with a 2-byte body: rejected without allocating 4 GiB.
        let input: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00, 0x41]
        #expect(try Snappy.uncompressedLength(input.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[...]) }) > 0)
        let error = #expect(throws: CodecError.self) { try Snappy.decompress(input, expectedLength: nil) }
        #expect(error?.kind == .limitExceeded)
        let claimed = #expect(throws: CodecError.self) {
            try Snappy.decompress(input, expectedLength: 0xFFFF_FFFF)
        }
        #expect(claimed?.kind == .truncated)
    }

    @Test func snappyBadPreamble() throws {
        let tooLong = #expect(throws: CodecError.self) {
            try Snappy.decompress([0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0], expectedLength: nil)
        }
        #expect(tooLong?.kind == .malformed)
        let unterminated = #expect(throws: CodecError.self) {
            try Snappy.decompress([0x80, 0x80], expectedLength: nil)
        }
        #expect(unterminated?.kind == .truncated)
        let empty = #expect(throws: CodecError.self) { try Snappy.decompress([], expectedLength: 0) }
        #expect(empty?.kind == .truncated)
    }

    /// Random corruptions of valid blocks either decode to the declared length or throw; never crash.
    @Test func snappyCorruptedBlocksNeverCrash() throws {
        var generator = SeededGenerator(seed: 7)
        let sources = [Self.text, Samples.make(.repetitive, count: 20_000), Samples.make(.random, count: 3_000)]
        var failures = 0
        var decoded = 0
        for source in sources {
            let compressed = Snappy.compress(source)
            for _ in 0..<400 {
                var damaged = compressed
                for _ in 0..<(1 + Int(generator.next() % 4)) {
                    let position = 1 + Int(generator.next() % UInt64(damaged.count - 1))
                    damaged[position] = UInt8(truncatingIfNeeded: generator.next())
                }
                if generator.next() % 4 == 0 {
                    damaged.removeLast(Int(generator.next() % UInt64(damaged.count / 2)))
                }
                do {
                    let output = try Snappy.decompress(damaged, expectedLength: source.count)
                    #expect(output.count == source.count)
                    decoded += 1
                } catch {
                    #expect(error.offset != nil)
                    failures += 1
                }
            }
        }
        #expect(failures > 0)
        #expect(failures + decoded == sources.count * 400)
    }

    /// The same for gzip and zstd (zlib and libzstd do the parsing; this checks our loops around them end).
    @Test(arguments: [Codec.gzip, .zstd])
    func corruptedStreamsNeverCrashOrHang(codec: Codec) throws {
        var generator = SeededGenerator(seed: 11)
        let sources = [Self.text, Samples.make(.repetitive, count: 20_000), Samples.make(.random, count: 3_000)]
        var failures = 0
        for source in sources {
            let compressed = codec.compress(source)
            for _ in 0..<200 {
                var damaged = compressed
                for _ in 0..<(1 + Int(generator.next() % 4)) {
                    let position = Int(generator.next() % UInt64(damaged.count))
                    damaged[position] = UInt8(truncatingIfNeeded: generator.next())
                }
                if generator.next() % 4 == 0 {
                    damaged.removeLast(Int(generator.next() % UInt64(damaged.count / 2)))
                }
                let expected: Int? = generator.next() % 3 == 0 ? nil : source.count
                do {
                    let output = try codec.decompress(damaged, expectedLength: expected, maximumLength: 1 << 20)
                    if expected != nil { #expect(output.count == source.count) }
                } catch {
                    #expect(error.codec == codec)
                    failures += 1
                }
            }
        }
        #expect(failures > 0)
    }

    // MARK: gzip

    @Test func gzipTruncatedMember() throws {
        let compressed = Gzip.compress(Self.text)
        for cut in [0, 5, 10, compressed.count / 2, compressed.count - 4] {
            let error = #expect(throws: CodecError.self) {
                try Gzip.decompress(Array(compressed.prefix(cut)), expectedLength: Self.text.count)
            }
            #expect(error?.codec == .gzip)
            #expect(error?.kind == .truncated, "cut at \(cut): \(String(describing: error))")
        }
    }

    @Test func gzipCorruptedChecksum() throws {
        var compressed = Gzip.compress(Self.text)
        compressed[compressed.count - 6] ^= 0xFF  // inside the CRC-32 of the trailer
        let error = #expect(throws: CodecError.self) {
            try Gzip.decompress(compressed, expectedLength: Self.text.count)
        }
        #expect(error?.kind == .malformed)
        #expect(error?.message.contains("check") == true)
    }

    @Test func gzipZlibStreamIsNotGzip() throws {
        // A zlib (RFC 1950) header is not a gzip member.
        let error = #expect(throws: CodecError.self) {
            try Gzip.decompress([0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01], expectedLength: 0)
        }
        #expect(error?.kind == .malformed)
        #expect(error?.offset != nil)
    }

    @Test func gzipTrailingGarbage() throws {
        let compressed = Gzip.compress(Self.text) + [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
        let error = #expect(throws: CodecError.self) {
            try Gzip.decompress(compressed, expectedLength: Self.text.count)
        }
        #expect(error?.kind == .malformed)
        #expect(error?.message.contains("starting at byte \(compressed.count - 12)") == true)
    }

    @Test func gzipWrongExpectedLength() throws {
        let compressed = Gzip.compress(Self.text)
        for wrong in [0, Self.text.count - 1, Self.text.count + 1] {
            let error = #expect(throws: CodecError.self) { try Gzip.decompress(compressed, expectedLength: wrong) }
            #expect(error?.kind == .lengthMismatch, "\(wrong)")
        }
        // A claim no deflate stream of this size can meet is rejected before allocating.
        let absurd = #expect(throws: CodecError.self) { try Gzip.decompress(compressed, expectedLength: 1 << 40) }
        #expect(absurd?.kind == .truncated)
        #expect(absurd?.message.contains("cannot hold the expected \(1 << 40) bytes") == true)
    }

    @Test func gzipLimitWithoutExpectedLength() throws {
        let compressed = Gzip.compress([UInt8](repeating: 0, count: 1 << 20))
        let error = #expect(throws: CodecError.self) {
            try Gzip.decompress(compressed, expectedLength: nil, maximumLength: 100_000)
        }
        #expect(error?.kind == .limitExceeded)
    }

    // MARK: zstd

    @Test func zstdTruncatedFrame() throws {
        let compressed = Zstd.compress(Self.text)
        for cut in [0, 3, 10, compressed.count / 2, compressed.count - 1] {
            let error = #expect(throws: CodecError.self) {
                try Zstd.decompress(Array(compressed.prefix(cut)), expectedLength: Self.text.count)
            }
            #expect(error?.codec == .zstd)
            #expect(error?.kind == .truncated, "cut at \(cut): \(String(describing: error))")
        }
    }

    @Test func zstdNotAFrame() throws {
        let error = #expect(throws: CodecError.self) {
            try Zstd.decompress(Array("definitely not zstd".utf8), expectedLength: 19)
        }
        #expect(error?.kind == .malformed)
        #expect(error?.message.contains("Unknown frame descriptor") == true)
    }

    @Test func zstdWrongExpectedLength() throws {
        let compressed = Zstd.compress(Self.text)
        for wrong in [0, Self.text.count - 1, Self.text.count + 1] {
            let error = #expect(throws: CodecError.self) { try Zstd.decompress(compressed, expectedLength: wrong) }
            #expect(error?.kind == .lengthMismatch, "\(wrong)")
            #expect(error?.message.contains("declare \(Self.text.count)") == true)
        }
        // A claim no input of this size can meet is rejected before looking at (or allocating for) the frames.
        let absurd = #expect(throws: CodecError.self) { try Zstd.decompress(compressed, expectedLength: 1 << 40) }
        #expect(absurd?.kind == .truncated)
        #expect(absurd?.message.contains("cannot hold the expected \(1 << 40) bytes") == true)
    }

    @Test func zstdLimitWithoutExpectedLength() throws {
        let compressed = Zstd.compress([UInt8](repeating: 7, count: 1 << 20))
        let error = #expect(throws: CodecError.self) {
            try Zstd.decompress(compressed, expectedLength: nil, maximumLength: 100_000)
        }
        #expect(error?.kind == .limitExceeded)
    }

    @Test func uncompressedWrongLength() throws {
        let error = #expect(throws: CodecError.self) {
            try Codec.uncompressed.decompress([1, 2, 3], expectedLength: 4)
        }
        #expect(error?.kind == .lengthMismatch)
        #expect(error?.description == "uncompressed: expected 4 bytes, found 3")
    }
}
