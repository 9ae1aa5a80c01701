import AWS
import Foundation

/// One ranged GET started ahead of the read that needs it, and the wait for its bytes.
///
/// The GET runs as a task on ``AWSBlocking``'s own executor (never on the caller's thread, which is a reader's
/// thread blocked in ``wait()``); the bytes stay here until the reader takes them.
final class RangeFetch: @unchecked Sendable {
    /// The bytes of the object this fetch covers.
    let range: Range<Int>
    private let condition = NSCondition()
    private var result: Result<[UInt8], any Error>?
    /// Bytes of ``range`` that announced reads will take (coalesced gaps are fetched but never read).
    var expected = 0
    /// Bytes of ``range`` handed out so far: the fetch is dropped by its owner once ``expected`` are.
    var consumed = 0

    /// Starts `GET range` of `location`, pinned to `eTag`.
    init(client: S3Client, location: S3Location, range: Range<Int>, eTag: String?) {
        self.range = range
        AWSBlocking.spawn { [self] in
            let result: Result<[UInt8], any Error>
            do {
                result = .success(
                    try await client.getObject(bucket: location.bucket, key: location.key, range: range, ifMatch: eTag)
                )
            } catch {
                result = .failure(error)
            }
            finish(result)
        }
    }

    private func finish(_ result: Result<[UInt8], any Error>) {
        condition.lock()
        self.result = result
        condition.broadcast()
        condition.unlock()
    }

    /// The bytes, once they have arrived (or the GET's error).
    func wait() throws -> [UInt8] {
        condition.lock()
        defer { condition.unlock() }
        while result == nil { condition.wait() }
        return try result!.get()
    }
}
