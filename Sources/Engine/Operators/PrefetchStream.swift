import Columnar
import Foundation

/// A stream that computes the batches of another on a background thread, up to `depth` batches ahead, so that
/// producing the next batches overlaps with what the consumer does with the current one (such as encoding it).
///
/// The base stream is used only by the background thread. Errors are rethrown by ``next()`` in order. When the
/// prefetching stream is released before its end, the thread stops after the batch in progress and releases the
/// base stream.
public final class PrefetchStream: BatchStream {
    public let schema: Schema
    private let queue: PrefetchQueue
    private var finished = false

    /// Starts producing the batches of `base`, at most `depth` (at least 1) ahead of the consumer.
    public init(_ base: any BatchStream, depth: Int = 2) {
        schema = base.schema
        let queue = PrefetchQueue(depth: max(1, depth))
        self.queue = queue
        nonisolated(unsafe) var base: (any BatchStream)? = base
        let thread = Thread {
            while let stream = base {
                var current = stream
                let result: Result<RecordBatch?, any Error>
                do { result = .success(try current.next()) } catch { result = .failure(error) }
                base = current
                let more: Bool
                if case .success(.some) = result { more = true } else { more = false }
                if !queue.push(result) || !more { base = nil }
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    deinit {
        queue.stop()
    }

    public func next() throws -> RecordBatch? {
        if finished { return nil }
        switch queue.pop() {
        case .success(let batch):
            if batch == nil { finished = true }
            return batch
        case .failure(let error):
            finished = true
            throw error
        }
    }
}

/// The bounded hand-over between the producing thread and the consumer of a ``PrefetchStream``.
private final class PrefetchQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Result<RecordBatch?, any Error>] = []
    private var stopped = false
    private let depth: Int

    init(depth: Int) { self.depth = depth }

    /// Queues `result`, waiting for room; false when the consumer is gone.
    func push(_ result: Result<RecordBatch?, any Error>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= depth && !stopped { condition.wait() }
        if stopped { return false }
        items.append(result)
        condition.broadcast()
        return true
    }

    func pop() -> Result<RecordBatch?, any Error> {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty { condition.wait() }
        let result = items.removeFirst()
        condition.broadcast()
        return result
    }

    func stop() {
        condition.lock()
        stopped = true
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
