import Codecs
import Testing

@Suite struct CodecRoundTripTests {
    @Test(arguments: [Codec.uncompressed, .snappy, .gzip, .zstd])
    func roundTripsThroughTheCodecEnum(codec: Codec) throws {
        var generator = SystemRandomNumberGenerator()
        for count in [0, 1, 59, 60, 61, 100, 4096, 65_535, 65_536, 65_537, 300_000] {
            let input = (0..<count).map { index in
                index % 7 == 0 ? UInt8.random(in: 0...255, using: &generator) : UInt8(truncatingIfNeeded: index / 13)
            }
            let compressed = codec.compress(input)
            let output = try codec.decompress(compressed, expectedLength: count)
            #expect(output == input, "\(codec) at \(count) bytes")
            #expect(try codec.decompress(compressed, expectedLength: nil) == input)
        }
    }
}
