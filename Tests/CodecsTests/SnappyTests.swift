import Codecs
import TestSupport
import Testing

@Suite struct SnappyTests {
    /// A hand-built block using every tag form, including ones the reference compressor never emits (4-byte
    /// offsets, literal lengths in 3 and 4 bytes).
    @Test func decodesEveryTagForm() throws {
        var block: [UInt8] = []
        var expected: [UInt8] = []
        func literal(_ bytes: [UInt8], lengthBytes: Int) {
            let n = bytes.count - 1
            if lengthBytes == 0 {
                block.append(UInt8(n << 2))
            } else {
                block.append(UInt8((59 + lengthBytes) << 2))
                for index in 0..<lengthBytes { block.append(UInt8(truncatingIfNeeded: n >> (8 * index))) }
            }
            block += bytes
            expected += bytes
        }
        func copy(offset: Int, length: Int, form: Int) {
            switch form {
            case 1:
                block += [UInt8(1 | ((length - 4) << 2) | ((offset >> 8) << 5)), UInt8(offset & 0xFF)]
            case 2:
                block += [UInt8(2 | ((length - 1) << 2)), UInt8(offset & 0xFF), UInt8(offset >> 8)]
            default:
                block += [UInt8(3 | ((length - 1) << 2))]
                for index in 0..<4 { block.append(UInt8(truncatingIfNeeded: offset >> (8 * index))) }
            }
            let start = expected.count - offset
            for index in 0..<length { expected.append(expected[start + index]) }
        }
        literal(Array("abcdefgh".utf8), lengthBytes: 0)
        copy(offset: 8, length: 11, form: 1)
        copy(offset: 1, length: 64, form: 2)  // overlapping: a run of one byte
        copy(offset: 3, length: 40, form: 4)  // overlapping with a 3-byte period
        literal(Array(repeating: 0x5A, count: 61), lengthBytes: 1)
        literal((0..<300).map { UInt8(truncatingIfNeeded: $0 * 7) }, lengthBytes: 2)
        copy(offset: 300, length: 64, form: 2)
        literal((0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31 >> 3) }, lengthBytes: 3)
        copy(offset: 70_000, length: 33, form: 4)
        copy(offset: 2047, length: 5, form: 1)
        literal(Array("tail".utf8), lengthBytes: 4)

        var preamble: [UInt8] = []
        var length = expected.count
        while length >= 0x80 {
            preamble.append(UInt8(length & 0x7F) | 0x80)
            length >>= 7
        }
        preamble.append(UInt8(length))
        let input = preamble + block

        #expect(try Snappy.decompress(input, expectedLength: expected.count) == expected)
        #expect(input.withUnsafeBytes { try? Snappy.uncompressedLength($0) } == expected.count)
        var output = [UInt8](repeating: 0, count: expected.count)
        try input.withUnsafeBytes { source in
            try output.withUnsafeMutableBytes { try Snappy.decompress(source, into: $0) }
        }
        #expect(output == expected)
    }

    /// Random mixtures of text, runs, repeats at long distances and noise, of random sizes, round-trip.
    @Test func roundTripsRandomShapes() throws {
        var generator = SeededGenerator(seed: 2024)
        for trial in 0..<150 {
            let size = Int(generator.next() % (trial < 100 ? 5_000 : 300_000))
            var input: [UInt8] = []
            input.reserveCapacity(size)
            while input.count < size {
                let piece = min(size - input.count, Int(generator.next() % 3_000) + 1)
                switch generator.next() % 4 {
                case 0: input += Samples.make(.text, count: piece, seed: generator.next())
                case 1: input += Samples.make(.repetitive, count: piece, seed: generator.next())
                case 2: input += Samples.make(.random, count: piece, seed: generator.next())
                default:
                    // Repeat an earlier stretch, possibly far back (exercises 2-byte offsets).
                    if input.count > piece {
                        let start = Int(generator.next() % UInt64(input.count - piece))
                        input += input[start..<(start + piece)]
                    } else {
                        input += [UInt8](repeating: UInt8(truncatingIfNeeded: trial), count: piece)
                    }
                }
            }
            let compressed = Snappy.compress(input)
            #expect(compressed.count <= Snappy.maxCompressedLength(input.count))
            let output = try Snappy.decompress(compressed, expectedLength: input.count)
            #expect(output == input, "trial \(trial), \(input.count) bytes")
        }
    }

    /// `compress(_:into:)` appends after existing bytes and produces the same block as `compress(_:)`.
    @Test func compressIntoAppends() throws {
        let input = Samples.make(.text, count: 100_000)
        var output: [UInt8] = [1, 2, 3]
        input.withUnsafeBytes { Snappy.compress($0, into: &output) }
        #expect(Array(output.prefix(3)) == [1, 2, 3])
        #expect(Array(output.dropFirst(3)) == Snappy.compress(input))
        #expect(try Snappy.decompress(Array(output.dropFirst(3)), expectedLength: input.count) == input)
    }

    /// The compressor finds matches: long runs shrink to a small fraction, text to well under its size.
    @Test func compressesRedundantData() throws {
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        #expect(Snappy.compress(zeros).count < 60_000)
        let text = Samples.make(.text, count: 1 << 20)
        #expect(Snappy.compress(text).count < text.count / 2)
        let noise = Samples.make(.random, count: 1 << 20)
        #expect(Snappy.compress(noise).count <= Snappy.maxCompressedLength(noise.count))
    }
}
