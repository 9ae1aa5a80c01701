import AWS
import Foundation
import NIOCore

/// One streamed GET of a range, started ahead of the reader that takes its bytes in order.
///
/// The GET runs as a task on ``AWSBlocking``'s own executor and hands its body to a queue of at most
/// ``bufferLimit`` bytes: when the queue is full the download waits (the connection's window closes) until the
/// reader has taken enough. A range of any size therefore costs one request and bounded memory.
final class StreamFetch: @unchecked Sendable {
    /// The bytes of the object this fetch covers.
    let range: Range<Int>
    /// Bytes queued at most before the download waits for the reader.
    let bufferLimit: Int
    private let condition = NSCondition()
    /// Body pieces received and not yet read whole; `head` indexes the first.
    private var pieces: [ByteBuffer] = []
    private var head = 0
    private var queued = 0
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false
    private var waitingDownload: CheckedContinuation<Void, Never>?

    /// Starts `GET range` of `location`, pinned to `eTag`.
    init(client: S3Client, location: S3Location, range: Range<Int>, eTag: String?, bufferLimit: Int) {
        self.range = range
        self.bufferLimit = max(1, bufferLimit)
        AWSBlocking.spawn { [self] in
            do {
                try await client.streamObject(
                    bucket: location.bucket,
                    key: location.key,
                    range: range,
                    ifMatch: eTag
                ) { buffer in
                    try await self.enqueue(buffer)
                }
                finish(nil)
            } catch {
                finish(error)
            }
        }
    }

    /// Queues `buffer` and waits while the queue is full.
    private func enqueue(_ buffer: ByteBuffer) async throws {
        try append(buffer)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if !park(continuation) { continuation.resume() }
        }
    }

    /// Adds `buffer` to the queue; throws once the reader has cancelled.
    private func append(_ buffer: ByteBuffer) throws {
        condition.lock()
        defer { condition.unlock() }
        if cancelled { throw CancellationError() }
        pieces.append(buffer)
        queued += buffer.readableBytes
        condition.broadcast()
    }

    /// Keeps `continuation` to be resumed by the reader when the queue is full; false when there is room.
    private func park(_ continuation: CheckedContinuation<Void, Never>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard queued >= bufferLimit && !cancelled else { return false }
        waitingDownload = continuation
        return true
    }

    private func finish(_ error: (any Error)?) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// Copies up to `count` of the next bytes into `destination`, waiting for them to arrive; 0 once the range has
    /// been read whole. Throws the GET's error once the bytes before it have been read.
    func read(into destination: UnsafeMutableRawPointer, count: Int) throws -> Int {
        condition.lock()
        while head == pieces.count && !finished { condition.wait() }
        guard head < pieces.count else {
            let failure = self.failure
            condition.unlock()
            if let failure { throw failure }
            return 0
        }
        var done = 0
        while done < count, head < pieces.count {
            let n = min(count - done, pieces[head].readableBytes)
            pieces[head].withUnsafeReadableBytes { bytes in
                (destination + done).copyMemory(from: bytes.baseAddress!, byteCount: n)
            }
            pieces[head].moveReaderIndex(forwardBy: n)
            done += n
            if pieces[head].readableBytes == 0 {
                head += 1
                if head > 64 && head * 2 > pieces.count {
                    pieces.removeFirst(head)
                    head = 0
                }
            }
        }
        queued -= done
        var resume: CheckedContinuation<Void, Never>?
        if queued <= bufferLimit / 2 {
            resume = waitingDownload
            waitingDownload = nil
        }
        condition.unlock()
        resume?.resume()
        return done
    }

    /// Stops the download: the reader no longer wants the bytes.
    func cancel() {
        condition.lock()
        cancelled = true
        let resume = waitingDownload
        waitingDownload = nil
        pieces = []
        head = 0
        queued = 0
        condition.unlock()
        resume?.resume()
    }
}
