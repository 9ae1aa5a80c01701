import AWS
import Foundation
import Storage

/// An S3 object read front to back: the CSV reader's source for `s3://` files.
///
/// The object is fetched as ranged GETs of ``blockSize`` bytes, ``readAhead`` of them in flight ahead of the
/// reader, each pinned to the object's ETag; a block is released once read. Memory is therefore at most
/// `readAhead × blockSize`, whatever the object's size, and the download overlaps the parse.
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
    private let client: S3Client
    private let eTag: String?
    private let total: Int
    /// Fetches started and not yet read whole, in object order.
    private var blocks: [RangeFetch] = []
    /// Where the next block to start begins.
    private var nextStart = 0
    /// The object offset of the next byte to return.
    private var position = 0
    private var current: (fetch: RangeFetch, bytes: [UInt8])?

    /// A source for an object whose size and ETag are known (from a listing or a HeadObject).
    public init(
        client: S3Client,
        location: S3Location,
        size: Int,
        eTag: String?,
        blockSize: Int = 4 << 20,
        readAhead: Int = 4
    ) {
        self.client = client
        self.location = location
        self.name = location.description
        self.size = size
        self.total = size
        self.eTag = eTag
        self.blockSize = max(1, blockSize)
        self.readAhead = max(1, readAhead)
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
            if current == nil {
                let fetch = blocks.removeFirst()
                current = (fetch, try fetch.wait())
                startBlocks()
            }
            let (fetch, bytes) = current!
            let offset = position - fetch.range.lowerBound
            let n = min(count - done, bytes.count - offset)
            bytes.withUnsafeBytes { buffer in
                (destination + done).copyMemory(from: buffer.baseAddress! + offset, byteCount: n)
            }
            done += n
            position += n
            if position == fetch.range.upperBound { current = nil }
        }
        return done
    }

    /// Keeps ``readAhead`` GETs started ahead of the reader.
    private func startBlocks() {
        while blocks.count < readAhead && nextStart < total {
            let end = min(total, nextStart + blockSize)
            blocks.append(RangeFetch(client: client, location: location, range: nextStart..<end, eTag: eTag))
            nextStart = end
        }
    }
}
