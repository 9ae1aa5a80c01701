import Codecs
import Foundation
import TestSupport
import Testing

/// Interop with a real peer: Arrow's C++ codecs through pyarrow (`pyarrow.compress` / `pyarrow.decompress`).
/// Snappy uses Arrow's bundled Snappy, so `python-snappy` is not needed.
@Suite(.tags(.pythonPeers), .needsPythonPeers) struct InteropTests {
    static let codecs: [Codec] = [.snappy, .gzip, .zstd]

    /// pyarrow compresses random, CSV-like and repetitive data of every size; we must decompress the exact bytes.
    @Test(arguments: codecs)
    func decompressesWhatPyarrowCompresses(codec: Codec) throws {
        let directory = try Paths.temporaryDirectory("codecs-from-pyarrow")
        defer { try? FileManager.default.removeItem(at: directory) }
        for kind in Samples.Kind.allCases {
            for size in Samples.sizes {
                let name = "\(kind.rawValue)-\(size)"
                try Data(Samples.make(kind, count: size)).write(to: directory.appendingPathComponent(name + ".raw"))
            }
        }
        try Python.run(
            """
            import sys, pathlib, pyarrow as pa
            directory, codec = pathlib.Path(sys.argv[1]), sys.argv[2]
            for raw in sorted(directory.glob('*.raw')):
                data = raw.read_bytes()
                raw.with_suffix('.' + codec).write_bytes(pa.compress(data, codec=codec, asbytes=True))
            """,
            [directory.path, codec.rawValue]
        )
        var checked = 0
        for kind in Samples.Kind.allCases {
            for size in Samples.sizes {
                let name = "\(kind.rawValue)-\(size)"
                let expected = Samples.make(kind, count: size)
                let compressed = try [UInt8](
                    Data(contentsOf: directory.appendingPathComponent(name + "." + codec.rawValue))
                )
                let output = try codec.decompress(compressed, expectedLength: size)
                #expect(output == expected, "\(codec) \(name)")
                #expect(try codec.decompress(compressed, expectedLength: nil) == expected, "\(codec) \(name)")
                checked += 1
            }
        }
        #expect(checked == Samples.Kind.allCases.count * Samples.sizes.count)
    }

    /// We compress the same inputs; pyarrow must decompress them to the exact bytes (compared by SHA-256 and
    /// length, computed by Python over both files).
    @Test(arguments: codecs)
    func pyarrowDecompressesWhatWeCompress(codec: Codec) throws {
        let directory = try Paths.temporaryDirectory("codecs-to-pyarrow")
        defer { try? FileManager.default.removeItem(at: directory) }
        var names: [String] = []
        for kind in Samples.Kind.allCases {
            for size in Samples.sizes {
                let name = "\(kind.rawValue)-\(size)"
                let input = Samples.make(kind, count: size)
                try Data(input).write(to: directory.appendingPathComponent(name + ".raw"))
                try Data(codec.compress(input)).write(to: directory.appendingPathComponent(name + ".compressed"))
                names.append(name)
            }
        }
        let report = try Python.run(
            """
            import sys, hashlib, pathlib, pyarrow as pa
            directory, codec = pathlib.Path(sys.argv[1]), sys.argv[2]
            for raw in sorted(directory.glob('*.raw')):
                original = raw.read_bytes()
                compressed = raw.with_suffix('.compressed').read_bytes()
                out = pa.decompress(compressed, decompressed_size=len(original), codec=codec, asbytes=True)
                same = hashlib.sha256(out).digest() == hashlib.sha256(original).digest() and len(out) == len(original)
                reference = pa.compress(original, codec=codec, asbytes=True)
                identical = 'identical' if reference == compressed else 'differs'
                print(raw.stem, len(original), len(compressed), 'same' if same else 'DIFFERENT', len(reference), identical)
            """,
            [directory.path, codec.rawValue]
        )
        let lines = report.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(Set(lines.map { $0[0] }) == Set(names))
        for line in lines {
            #expect(line[3] == "same", "pyarrow \(codec) decompressed \(line[0]) differently")
        }
        // Compressible inputs really are compressed, and our Snappy matches Arrow's (reference) ratio. With the
        // pinned pyarrow (bundling Snappy >= 1.1.10: 2^15-entry tables) the blocks are even byte-identical.
        for line in lines where line[0].hasPrefix("text-1048576") || line[0].hasPrefix("repetitive-1048576") {
            #expect(Int(line[2])! < Int(line[1])! / 2, "\(codec) \(line[0]): \(line[2]) of \(line[1]) bytes")
        }
        if codec == .snappy {
            for line in lines where Int(line[1])! >= 60 {
                let ours = Double(line[2])!
                let reference = Double(line[4])!
                #expect(ours <= reference * 1.05 + 8, "snappy \(line[0]): \(ours) bytes vs Arrow's \(reference)")
                #expect(line[5] == "identical", "snappy \(line[0]): \(ours) bytes vs Arrow's \(reference)")
            }
        }
    }

    /// Blocks written by `Snappy.store` (literals only, for poorly compressing pages) decompress with Arrow's Snappy
    /// and ours, at every literal-length boundary (tag, 1- and 2-byte lengths, 64 KiB chunks).
    @Test func storedSnappyBlocksDecompressWithPyarrow() throws {
        let directory = try Paths.temporaryDirectory("codecs-stored")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sizes = [0, 1, 59, 60, 61, 255, 256, 257, 65_535, 65_536, 65_537, 200_000]
        for size in sizes {
            let input = Samples.make(.random, count: size)
            var stored: [UInt8] = [7]
            input.withUnsafeBytes { Snappy.store($0, into: &stored) }
            #expect(stored.first == 7, "appends")
            let block = Array(stored.dropFirst())
            #expect(block.count <= Snappy.maxCompressedLength(size))
            #expect(try Codec.snappy.decompress(block, expectedLength: size) == input, "size \(size)")
            try Data(input).write(to: directory.appendingPathComponent("\(size).raw"))
            try Data(block).write(to: directory.appendingPathComponent("\(size).compressed"))
        }
        let report = try Python.run(
            """
            import sys, pathlib, pyarrow as pa
            for raw in sorted(pathlib.Path(sys.argv[1]).glob('*.raw')):
                original = raw.read_bytes()
                compressed = raw.with_suffix('.compressed').read_bytes()
                out = pa.decompress(compressed, decompressed_size=len(original), codec='snappy', asbytes=True)
                print(raw.stem, 'same' if out == original else 'DIFFERENT')
            """,
            [directory.path]
        )
        let lines = report.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(Set(lines.map { Int($0[0])! }) == Set(sizes))
        #expect(lines.allSatisfy { $0[1] == "same" }, "\(report)")
    }

    /// Several gzip members in one buffer (Python's gzip module plus pyarrow's stream writer) decompress to the
    /// concatenation of their contents.
    @Test func decompressesMultiMemberGzip() throws {
        let hex = try Python.run(
            """
            import gzip, pyarrow as pa
            members = gzip.compress(b'first member\\n') + gzip.compress(b'') + gzip.compress(b'second ' * 5000)
            sink = pa.BufferOutputStream()
            with pa.CompressedOutputStream(sink, 'gzip') as stream:
                stream.write(b'third, from a stream')
            print((members + sink.getvalue().to_pybytes()).hex())
            """
        )
        let input = try #require(bytes(fromHex: hex))
        let expected = Array(
            ("first member\n" + String(repeating: "second ", count: 5000) + "third, from a stream").utf8
        )
        #expect(try Gzip.decompress(input, expectedLength: expected.count) == expected)
        #expect(try Gzip.decompress(input, expectedLength: nil) == expected)
        #expect(throws: CodecError.self) { try Gzip.decompress(input, expectedLength: expected.count - 1) }
    }

    /// Streaming zstd frames (no content size in the header), several frames back to back, and a skippable frame.
    @Test func decompressesZstdFramesWithoutContentSize() throws {
        let hex = try Python.run(
            """
            import struct, pyarrow as pa
            sink = pa.BufferOutputStream()
            with pa.CompressedOutputStream(sink, 'zstd') as stream:
                stream.write(b'streamed ' * 20000)
            streamed = sink.getvalue().to_pybytes()
            assert streamed[4] & 0xC0 == 0 and streamed[4] & 0x20 == 0, 'expected a frame without content size'
            skippable = struct.pack('<II', 0x184D2A50, 3) + b'abc'
            framed = pa.compress(b'framed', codec='zstd', asbytes=True)
            print((streamed + skippable + framed).hex(), len(streamed))
            """
        ).split(separator: " ")
        let input = try #require(bytes(fromHex: String(hex[0])))
        let frameEnd = try #require(Int(hex[1].trimmingCharacters(in: .whitespacesAndNewlines)))
        let expected = Array((String(repeating: "streamed ", count: 20000) + "framed").utf8)
        #expect(try Zstd.decompress(input, expectedLength: expected.count) == expected)
        #expect(try Zstd.decompress(input, expectedLength: nil) == expected)
        let short = #expect(throws: CodecError.self) { try Zstd.decompress(input, expectedLength: expected.count - 1) }
        #expect(short?.kind == .lengthMismatch)
        let long = #expect(throws: CodecError.self) { try Zstd.decompress(input, expectedLength: expected.count + 1) }
        #expect(long?.kind == .lengthMismatch)
        // Cut inside the first (unsized) frame, and cut after a complete frame plus part of the next header.
        let cut = #expect(throws: CodecError.self) {
            try Zstd.decompress(Array(input.prefix(input.count / 4)), expectedLength: expected.count)
        }
        #expect(cut?.kind == .truncated)
        let streamed = Array(String(repeating: "streamed ", count: 20000).utf8)
        for extra in [0, 2, 5] {
            let partial = Array(input.prefix(frameEnd + extra))
            if extra == 0 {
                #expect(try Zstd.decompress(partial, expectedLength: streamed.count) == streamed)
            } else {
                let error = #expect(throws: CodecError.self) {
                    try Zstd.decompress(partial, expectedLength: streamed.count)
                }
                #expect(error?.kind == .truncated, "\(extra) bytes of the next frame")
                let unbounded = #expect(throws: CodecError.self) { try Zstd.decompress(partial, expectedLength: nil) }
                #expect(unbounded?.kind == .truncated)
            }
        }
    }

    private func bytes(fromHex hex: String) -> [UInt8]? {
        let digits = Array(hex.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
            default: return nil
            }
        }
        var result = [UInt8]()
        result.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            result.append(high << 4 | low)
            index += 2
        }
        return result
    }
}
