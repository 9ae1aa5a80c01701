import Storage
import Synchronization

/// A sink that keeps what is written in memory and records how it was finished; it can be told to fail.
public final class MemoryByteSink: ByteSink, @unchecked Sendable {
    /// A failure the sink was told to produce.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let name: String
    /// Fail the write with this index (0 is the first), with ``Failure`` or, when set, this error.
    public let failingWrite: Int?
    public let failingWriteError: (any Error)?
    /// Fail ``close()``.
    public let failsClose: Bool
    private let state = Mutex(State())

    struct State {
        var bytes: [UInt8] = []
        var writes = 0
        var closes = 0
        var aborts = 0
    }

    public init(
        name: String = "memory://sink",
        failingWrite: Int? = nil,
        failingWriteError: (any Error)? = nil,
        failsClose: Bool = false
    ) {
        self.name = name
        self.failingWrite = failingWrite
        self.failingWriteError = failingWriteError
        self.failsClose = failsClose
    }

    /// The bytes written so far.
    public var bytes: [UInt8] { state.withLock { $0.bytes } }
    /// How many times ``write(_:)``, ``close()`` and ``abort()`` were called.
    public var writes: Int { state.withLock { $0.writes } }
    public var closes: Int { state.withLock { $0.closes } }
    public var aborts: Int { state.withLock { $0.aborts } }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        let index = state.withLock { state in
            state.writes += 1
            return state.writes - 1
        }
        if index == failingWrite {
            throw failingWriteError ?? Failure(description: "injected failure of write \(index)")
        }
        state.withLock { $0.bytes.append(contentsOf: bytes) }
    }

    public func close() throws {
        state.withLock { $0.closes += 1 }
        if failsClose { throw StorageError(name: name, message: "close failed: injected") }
    }

    public func abort() {
        state.withLock { $0.aborts += 1 }
    }
}

/// A random-access source over bytes in memory that records, in order, the ranges read and the ranges announced.
public final class RecordingByteSource: ByteSource {
    /// A call the source saw.
    public enum Event: Equatable, Sendable {
        case read(Range<Int>)
        case willRead([Range<Int>])
    }

    public let inner: MemoryByteSource
    private let log = Mutex<[Event]>([])

    public init(_ bytes: [UInt8], name: String = "memory://recorded.parquet") {
        inner = MemoryByteSource(bytes, name: name)
    }

    public var name: String { inner.name }
    public var size: Int { inner.size }
    /// Every call so far, in order.
    public var events: [Event] { log.withLock { $0 } }
    /// The ranges read so far, in order.
    public var reads: [Range<Int>] {
        events.compactMap { if case .read(let range) = $0 { range } else { nil } }
    }

    /// Forgets the calls so far.
    public func reset() { log.withLock { $0.removeAll() } }

    public func read(at offset: Int, count: Int) throws -> [UInt8] {
        log.withLock { $0.append(.read(offset..<offset + count)) }
        return try inner.read(at: offset, count: count)
    }

    public func willRead(_ ranges: [Range<Int>]) {
        log.withLock { $0.append(.willRead(ranges)) }
    }
}

/// A sequential source over bytes in memory, returning at most `maximumRead` bytes per call only at the end (as
/// the protocol requires), or failing after `failAfter` bytes.
public final class MemorySequentialSource: SequentialByteSource, @unchecked Sendable {
    public let name: String
    public let bytes: [UInt8]
    public let failAfter: Int?
    private var position = 0
    /// The number of reads so far.
    public private(set) var readCount = 0

    public init(_ bytes: [UInt8], name: String = "memory://input.csv", failAfter: Int? = nil) {
        self.bytes = bytes
        self.name = name
        self.failAfter = failAfter
    }

    public var size: Int? { bytes.count }

    public func read(into destination: UnsafeMutableRawPointer, count: Int) throws -> Int {
        readCount += 1
        if let failAfter, position + count > failAfter {
            throw StorageError(name: name, offset: failAfter, message: "read failed: injected")
        }
        let n = min(count, bytes.count - position)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer in
            destination.copyMemory(from: buffer.baseAddress! + position, byteCount: n)
        }
        position += n
        return n
    }
}
