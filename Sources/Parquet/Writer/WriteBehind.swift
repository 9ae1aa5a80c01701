import Dispatch
import Storage

/// Writes finished row groups to the sink on a background thread, one row group at a time, so that encoding the
/// next row group overlaps the copy into the page cache (or the upload).
///
/// At most one submission is in flight: ``submit(_:)`` and ``reclaim()`` wait for the previous one, which bounds
/// the extra memory to one row group's encoded bytes. A write error is kept and rethrown by the next call.
final class WriteBehind: @unchecked Sendable {
    private let sink: any ByteSink
    /// The sink offset of the next byte the background thread writes, for errors of sinks that do not know it.
    private var offset: Int
    private let queue = DispatchQueue(label: "sluice.parquet.write-behind")
    /// Signalled when no submission is in flight. Guards `pending`, `finished` and `failure` (the background
    /// thread touches them only while it holds the permit).
    private let idle = DispatchSemaphore(value: 1)
    private var pending: [[UInt8]] = []
    private var finished: [[UInt8]] = []
    private var failure: (any Error)?

    /// Writes behind to `sink`, whose first `offset` bytes are written (by ``write(_:to:at:)``).
    init(sink: any ByteSink, offset: Int) {
        self.sink = sink
        self.offset = offset
    }

    /// Writes `bytes` to `sink`; an error becomes a ``ParquetError`` naming the sink and `offset`, the offset of the
    /// bytes in the file.
    static func write(_ bytes: [UInt8], to sink: any ByteSink, at offset: Int) throws(ParquetError) {
        do {
            try bytes.withUnsafeBytes { try sink.write($0) }
        } catch {
            throw ParquetError.from(error, name: sink.name, offset: offset, "write failed")
        }
    }

    /// Waits for the write in flight; returns its buffers, emptied with their capacity kept, for reuse.
    ///
    /// - Throws: the error of a failed background write.
    func reclaim() throws -> [[UInt8]] {
        idle.wait()
        defer { idle.signal() }
        if let failure { throw failure }
        let buffers = finished
        finished = []
        return buffers
    }

    /// Queues `buffers` to be written in order, after waiting for the write in flight. They are emptied in place
    /// afterwards for ``reclaim()``, so the caller must hand over its only references.
    func submit(_ buffers: consuming [[UInt8]]) {
        idle.wait()
        pending = consume buffers
        queue.async { [self] in
            if failure == nil {
                do {
                    for buffer in pending where !buffer.isEmpty {
                        try Self.write(buffer, to: sink, at: offset)
                        offset += buffer.count
                    }
                } catch {
                    failure = error
                }
            }
            for i in pending.indices { pending[i].removeAll(keepingCapacity: true) }
            swap(&finished, &pending)
            pending.removeAll()
            idle.signal()
        }
    }

    /// Waits until every submitted buffer is written.
    ///
    /// - Throws: the error of a failed background write.
    func drain() throws {
        idle.wait()
        defer { idle.signal() }
        if let failure { throw failure }
    }
}
