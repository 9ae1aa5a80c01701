import Codecs
import Testing

@Suite struct SnappyTests {
    @Test func roundTripsSmallInputs() throws {
        for text in ["", "a", "hello hello hello hello hello", String(repeating: "abcdefgh", count: 100)] {
            let input = Array(text.utf8)
            let compressed = Snappy.compress(input)
            #expect(try Snappy.decompress(compressed, expectedLength: input.count) == input)
        }
    }
}
