import AWS
import Foundation
import Storage

/// An S3 object read front to back: the CSV reader's source for `s3://` files.
///
/// The object is fetched as streamed GETs of ``blockSize`` bytes (by default 1 GiB, so most objects take one
/// request), ``readAhead`` of them in flight, each pinned to the object's ETag and holding at most
/// ``bufferLimit`` bytes the reader has not taken yet. Memory is therefore at most `readAhead × bufferLimit`,
/// whatever the object's and the block's size, and the download overlaps the parse.
public final class S3SequentialSource: SequentialByteSource, @unchecked Sendable {
    /// The object's `s3://` URL.
    public let name: String
    /// The object's size in bytes.
    public let size: Int?
    /// The object.
    public let location: S3Location
    /// The bytes of one GET.
    public let blockSize: Int
    /// GETs in flight ahead of the reader.
    public let readAhead: Int
    /// Bytes one GET holds at most before it waits for the reader.
    public let bufferLimit: Int
    private let client: S3Client
    private let eTag: String?
    private let total: Int
    /// Fetches started and not yet read whole, in object order.
    private var blocks: [StreamFetch] = []
    /// Where the next block to start begins.
    private var nextStart = 0
    /// The object offset of the next byte to return.
    private var position = 0

    /// A source for an object whose size and ETag are known (from a listing or a HeadObject).
    public init(
        client: S3Client,
        location: S3Location,
        size: Int,
        eTag: String?,
        blockSize: Int = 1 << 30,
        readAhead: Int = 2,
        bufferLimit: Int = 8 << 20
    ) {
        self.client = client
        self.location = location
        self.name = location.description
        self.size = size
        self.total = size
        self.eTag = eTag
        self.blockSize = max(1, blockSize)
        self.readAhead = max(1, readAhead)
        self.bufferLimit = max(1, bufferLimit)
    }

    deinit {
        for block in blocks { block.cancel() }
    }

    /// Opens `location` with one HeadObject.
    public static func open(client: S3Client, location: S3Location) throws -> S3SequentialSource {
        let info = try AWSBlocking.run { try await client.headObject(bucket: location.bucket, key: location.key) }
        return S3SequentialSource(client: client, location: location, size: info.size, eTag: info.eTag)
    }

    public func read(into destination: UnsafeMutableRawPointer, count: Int) throws -> Int {
        var done = 0
        while done < count && position < total {
            startBlocks()
            let block = blocks[0]
            let n = try block.read(into: destination + done, count: count - done)
            done += n
            position += n
            if position == block.range.upperBound {
                blocks.removeFirst()
            } else if n == 0 {
                throw StorageError(
                    .truncated,
                    name: name,
                    offset: position,
                    message: "the object ended before its \(total) bytes (it changed while it was read)"
                )
            }
        }
        return done
    }

    /// Keeps ``readAhead`` GETs started ahead of the reader.
    private func startBlocks() {
        while blocks.count < readAhead && nextStart < total {
            let end = min(total, nextStart + blockSize)
            blocks.append(
                StreamFetch(
                    client: client,
                    location: location,
                    range: nextStart..<end,
                    eTag: eTag,
                    bufferLimit: bufferLimit
                )
            )
            nextStart = end
        }
    }
}
