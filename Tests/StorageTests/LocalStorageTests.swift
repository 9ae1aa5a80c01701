import Foundation
import Storage
import TestSupport
import Testing

/// The local-file sources and sink, and the in-memory source: what they read and write, and their errors.
@Suite struct LocalStorageTests {
    static func temporaryFile(_ bytes: [UInt8], name: String = "data.bin") throws -> String {
        let directory = try Paths.temporaryDirectory("sluice-storage")
        let path = directory.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func storageError(_ body: () throws -> Void) -> StorageError? {
        do {
            try body()
        } catch let error as StorageError {
            return error
        } catch {
            Issue.record("not a StorageError: \(error)")
        }
        return nil
    }

    static let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }

    @Test func localFileSourceReadsRanges() throws {
        let path = try Self.temporaryFile(Self.bytes)
        let source = try LocalFileSource(path: path)
        #expect(source.name == path)
        #expect(source.size == Self.bytes.count)
        #expect(try source.read(at: 0, count: 4) == Array(Self.bytes[0..<4]))
        #expect(try source.read(at: 99_990, count: 10) == Array(Self.bytes[99_990...]))
        #expect(try source.read(at: 5_000, count: 0) == [])
        source.willRead([0..<10, 50..<60])  // the default: a hint a local file ignores
        #expect(try source.read(at: 12_345, count: 54_321) == Array(Self.bytes[12_345..<66_666]))
    }

    @Test func localFileSourceErrorsNameTheFile() throws {
        let missing = Self.storageError { _ = try LocalFileSource(path: "/nonexistent/x.parquet") }
        #expect(missing?.kind == .notFound)
        #expect(missing?.description == "/nonexistent/x.parquet: cannot open the file: No such file or directory")
        let directory = try Paths.temporaryDirectory("sluice-storage-dir").path
        let notRegular = Self.storageError { _ = try LocalFileSource(path: directory) }
        #expect(notRegular?.kind == .io)
        #expect(notRegular?.description == "\(directory): not a regular file")
    }

    @Test func sequentialSourceReadsToTheEnd() throws {
        let path = try Self.temporaryFile(Self.bytes)
        let source = try LocalSequentialFileSource(path: path)
        #expect(source.name == path)
        #expect(source.size == Self.bytes.count)
        var read: [UInt8] = []
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 30_000, alignment: 1)
        defer { buffer.deallocate() }
        var counts: [Int] = []
        while true {
            let n = try source.read(into: buffer, count: 30_000)
            counts.append(n)
            if n == 0 { break }
            read += UnsafeRawBufferPointer(start: buffer, count: n)
        }
        #expect(counts == [30_000, 30_000, 30_000, 10_000, 0])
        #expect(read == Self.bytes)
    }

    @Test func sequentialSourceErrorsNameTheFile() throws {
        let missing = Self.storageError { _ = try LocalSequentialFileSource(path: "/nonexistent/x.csv") }
        #expect(missing?.kind == .notFound)
        #expect(missing?.description == "/nonexistent/x.csv: No such file or directory")
        let directory = try Paths.temporaryDirectory("sluice-storage-dir").path
        #expect(
            Self.storageError { _ = try LocalSequentialFileSource(path: directory) }?.description
                == "\(directory): is a directory"
        )
    }

    @Test func sinkWritesClosesAndAborts() throws {
        let directory = try Paths.temporaryDirectory("sluice-storage-sink")
        let path = directory.appendingPathComponent("out.bin").path
        let sink = try LocalFileSink(path: path)
        #expect(sink.name == path)
        for piece in stride(from: 0, to: Self.bytes.count, by: 33_333) {
            try Array(Self.bytes[piece..<min(piece + 33_333, Self.bytes.count)]).withUnsafeBytes { try sink.write($0) }
        }
        #expect(sink.offset == Self.bytes.count)
        try sink.close()
        try sink.close()  // again: nothing to do
        sink.abort()  // after a completed close: the file stays
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == Self.bytes)

        // Abort removes the partial file; a write after it names the file.
        let partial = directory.appendingPathComponent("partial.bin").path
        let aborted = try LocalFileSink(path: partial)
        try ([1, 2, 3] as [UInt8]).withUnsafeBytes { try aborted.write($0) }
        #expect(FileManager.default.fileExists(atPath: partial))
        aborted.abort()
        #expect(!FileManager.default.fileExists(atPath: partial))
        let late = Self.storageError { try ([4] as [UInt8]).withUnsafeBytes { try aborted.write($0) } }
        #expect(late?.description == "\(partial), byte 3: the file is closed")
    }

    @Test func sinkThatCannotBeCreated() throws {
        let error = Self.storageError { _ = try LocalFileSink(path: "/nonexistent/dir/out.bin") }
        #expect(error?.kind == .notFound)
        #expect(error?.description == "/nonexistent/dir/out.bin: cannot create the file: No such file or directory")
    }

    @Test func memorySource() throws {
        let source = MemoryByteSource([1, 2, 3, 4, 5], name: "mem")
        #expect(source.name == "mem")
        #expect(source.size == 5)
        #expect(try source.read(at: 1, count: 3) == [2, 3, 4])
        #expect(MemoryByteSource([]).name == "<memory>")
    }

    @Test func errorDescriptions() {
        #expect(
            StorageError(name: "s3://b/k", offset: 7, message: "read failed: reset").description
                == "s3://b/k, byte 7: read failed: reset"
        )
        #expect(StorageError(.notFound, name: "a.csv", message: "gone").description == "a.csv: gone")
    }
}
