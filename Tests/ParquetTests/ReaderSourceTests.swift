import Columnar
import Foundation
import Storage
import TestSupport
import Testing

@testable import Parquet

/// What the reader asks of its ``ByteSource``: one read to open a file, then only the projected column chunks, each
/// announced with ``ByteSource/willRead(_:)`` before it is read.
@Suite(.tags(.pythonPeers), .needsPythonPeers) struct ReaderSourceTests {
    /// A file of three columns (a: int64, b: string, c: double) in two row groups, well over 64 KiB.
    static func threeColumnFile(rows: Int = 20_000, keyValueMetadata: [String: String] = [:]) throws -> [UInt8] {
        let schema = Schema([Field("a", .int64), Field("b", .string), Field("c", .double)])
        var options = ParquetWriteOptions()
        options.rowGroupMaxRows = rows / 2
        options.keyValueMetadata = keyValueMetadata
        let sink = MemoryByteSink()
        let writer = try ParquetWriter(sink: sink, schema: schema, options: options)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        let a = (0..<rows).map { _ in Int64(bitPattern: next()) }
        let b = (0..<rows).map { _ in String(next(), radix: 36) }
        let c = (0..<rows).map { _ in Double(next()) / 3 }
        try writer.write(
            RecordBatch(
                schema: schema,
                columns: [
                    Column(type: .int64, values: .int64(a)),
                    Column(type: .string, values: .bytes(ByteArrays(strings: b))),
                    Column(type: .double, values: .double(c)),
                ]
            )
        )
        try writer.close()
        return sink.bytes
    }

    /// The file range of column `name`'s chunk in row group `group`.
    static func chunk(_ reader: ParquetReader, _ name: String, group: Int) -> Range<Int> {
        let meta = reader.metadata.rowGroups[group].columns[reader.schema.index(of: name)!].metaData!
        let start = Int(meta.dictionaryPageOffset.map { min($0, meta.dataPageOffset) } ?? meta.dataPageOffset)
        return start..<start + Int(meta.totalCompressedSize)
    }

    @Test func openingIsOneReadOfTheTail() throws {
        let bytes = try Self.threeColumnFile()
        #expect(bytes.count > 200_000)
        let source = RecordingByteSource(bytes)
        let reader = try ParquetReader(source: source)
        #expect(reader.path == source.name)
        #expect(reader.rowGroupCount == 2)
        #expect(source.events == [.read(bytes.count - 65_536..<bytes.count)])

        // A file smaller than the tail read: one read of all of it.
        let small = try ParquetReader(path: try ReaderFixtures.path("pyarrow-one-row"))
        let smallBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: small.path)))
        let smallSource = RecordingByteSource(smallBytes)
        _ = try ParquetReader(source: smallSource)
        #expect(smallSource.events == [.read(0..<smallBytes.count)])
    }

    @Test func aFooterLargerThanTheTailTakesASecondRead() throws {
        let bytes = try Self.threeColumnFile(keyValueMetadata: ["big": String(repeating: "x", count: 100_000)])
        let source = RecordingByteSource(bytes)
        let reader = try ParquetReader(source: source)
        let value = reader.metadata.keyValueMetadata?.first { $0.key == "big" }?.value
        #expect(value?.count == 100_000)
        let length = bytes.count - 8 - reader.footerOffset
        #expect(length > 65_536)
        #expect(
            source.events == [.read(bytes.count - 65_536..<bytes.count), .read(reader.footerOffset..<bytes.count - 8)]
        )
    }

    @Test func oneColumnReadsOnlyItsChunksAnnouncedFirst() throws {
        let bytes = try Self.threeColumnFile()
        let source = RecordingByteSource(bytes)
        let reader = try ParquetReader(source: source)
        let footer = bytes.count - reader.footerOffset
        source.reset()

        let batch = try reader.readRowGroup(1, columns: ["b"])
        #expect(batch.count == 10_000)
        let b1 = Self.chunk(reader, "b", group: 1)
        #expect(source.events == [.willRead([b1]), .read(b1)])

        // Several row groups at once: all their chunks announced in one call before any is read.
        source.reset()
        let batches = try reader.readRowGroups([0, 1], columns: ["c", "b"])
        #expect(batches.map(\.count) == [10_000, 10_000])
        let announced = [
            Self.chunk(reader, "c", group: 0), Self.chunk(reader, "b", group: 0), Self.chunk(reader, "c", group: 1),
            Self.chunk(reader, "b", group: 1),
        ]
        #expect(source.events.first == .willRead(announced))
        #expect(source.events.count == 5)
        #expect(Set(source.reads) == Set(announced))

        // Streaming with the next row group prefetched: every read was announced before, and the bytes read are
        // the tail (the footer) and the `b` chunks only.
        let streamed = RecordingByteSource(bytes)
        let streamingReader = try ParquetReader(source: streamed, options: .init(prefetchesRowGroups: true))
        let rows = try streamingReader.batches(columns: ["b"]).map { try $0.get().count }.reduce(0, +)
        #expect(rows == 20_000)
        let chunks = [Self.chunk(reader, "b", group: 0), Self.chunk(reader, "b", group: 1)]
        var announcedSoFar: [Range<Int>] = []
        for event in streamed.events.dropFirst() {
            switch event {
            case .willRead(let ranges): announcedSoFar += ranges
            case .read(let range): #expect(announcedSoFar.contains(range), "read \(range) was not announced")
            }
        }
        #expect(Set(streamed.reads.dropFirst()) == Set(chunks))
        #expect(Set(announcedSoFar) == Set(chunks))
        // The tail read (64 KiB, which holds the footer) and each `b` chunk once: nothing else.
        #expect(footer < 65_536)
        let chunkBytes: Int = chunks.map(\.count).reduce(0, +)
        let bytesRead: Int = streamed.reads.map(\.count).reduce(0, +)
        #expect(bytesRead == 65_536 + chunkBytes)
        #expect(chunkBytes < bytes.count / 2)
    }

    @Test func theFirstChunkOfALargeFileCarriesTheLeadingMagic() throws {
        let bytes = try Self.threeColumnFile()
        let source = RecordingByteSource(bytes)
        let reader = try ParquetReader(source: source)
        source.reset()
        let a0 = Self.chunk(reader, "a", group: 0)
        #expect(a0.lowerBound == 4)
        let full = try reader.readRowGroup(0, columns: ["a"])
        // The magic is read (and checked) with the chunk that follows it: one read, announced as such.
        #expect(source.events == [.willRead([0..<a0.upperBound]), .read(0..<a0.upperBound)])

        var damaged = bytes
        damaged.replaceSubrange(0..<4, with: Array("PAR2".utf8))
        let opened = try ParquetReader(source: RecordingByteSource(damaged, name: "damaged.parquet"))
        #expect(try opened.readRowGroup(0, columns: ["b"]).count == 10_000)  // other chunks do not need it
        do {
            _ = try opened.readRowGroup(0, columns: ["a"])
            Issue.record("a file starting with PAR2 was read")
        } catch let error as ParquetError {
            #expect(error.kind == .badMagic)
            #expect(error.offset == 0)
            #expect(error.path == "damaged.parquet")
        }
        #expect(full.count == 10_000)
    }

    @Test func memorySourceReadsLikeThePathReader() throws {
        let path = try ReaderFixtures.path("pyarrow-delta-sorted")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let fromPath = try ParquetReader(path: path)
        let fromSource = try ParquetReader(source: MemoryByteSource(bytes, name: "memory://sorted"))
        #expect(fromSource.path == "memory://sorted")
        #expect(fromSource.schema == fromPath.schema)
        for group in 0..<fromPath.rowGroupCount {
            #expect(try fromSource.readRowGroup(group).columns == fromPath.readRowGroup(group).columns)
        }
    }

    /// A source whose reads fail after the footer: the error is a ParquetError naming the source and the column.
    final class FailingSource: ByteSource {
        let inner: MemoryByteSource
        init(_ bytes: [UInt8]) { inner = MemoryByteSource(bytes, name: "s3://bucket/failing.parquet") }
        var name: String { inner.name }
        var size: Int { inner.size }
        func read(at offset: Int, count: Int) throws -> [UInt8] {
            if offset + count == size { return try inner.read(at: offset, count: count) }
            throw StorageError(name: name, offset: offset, message: "GetObject failed: connection reset")
        }
    }

    @Test func aSourceErrorNamesTheSourceAndTheColumn() throws {
        let reader = try ParquetReader(source: FailingSource(try Self.threeColumnFile()))
        do {
            _ = try reader.readRowGroup(0, columns: ["c"])
            Issue.record("the read succeeded")
        } catch let error as ParquetError {
            #expect(error.kind == .io)
            #expect(error.path == "s3://bucket/failing.parquet")
            #expect(error.column == "c")
            #expect(error.offset == Self.chunk(reader, "c", group: 0).lowerBound)
            #expect(error.message == "GetObject failed: connection reset")
        }
    }
}
