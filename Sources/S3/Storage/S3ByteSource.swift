import AWS
import Foundation
import Storage

/// An S3 object read at random offsets: the Parquet reader's source for `s3://` files.
///
/// The size and ETag come from the listing that found the object, or from one HeadObject. Every GET is pinned to
/// that ETag (`If-Match`), so a file replaced while it is read fails clearly instead of mixing two versions.
/// Ranges announced with ``willRead(_:)`` are coalesced (a gap under ``Options/coalesceGap`` is read through),
/// cut into pieces of at most ``Options/pieceSize`` and fetched in parallel; a read that they cover waits for them,
/// and a piece is released as soon as all its bytes have been read. A read nothing announced is one ranged GET.
public final class S3ByteSource: ByteSource, @unchecked Sendable {
    /// How announced ranges become GETs.
    public struct Options: Sendable, Hashable {
        /// Gaps between announced ranges smaller than this are fetched too, to save a request. Default 1 MiB.
        public var coalesceGap: Int
        /// The largest single GET of coalesced ranges (larger spans are cut, so they download in parallel).
        /// Default 32 MiB: a row group's chunks take a few requests, several in flight.
        public var pieceSize: Int

        /// Creates options.
        public init(coalesceGap: Int = 1 << 20, pieceSize: Int = 32 << 20) {
            self.coalesceGap = max(0, coalesceGap)
            self.pieceSize = max(1, pieceSize)
        }
    }

    /// The object's `s3://` URL.
    public let name: String
    /// The object's size in bytes.
    public let size: Int
    /// The ETag every read is pinned to.
    public let eTag: String?
    /// The object.
    public let location: S3Location
    let client: S3Client
    let options: Options
    private let lock = NSLock()
    /// Fetches started by ``willRead(_:)`` whose bytes are not all read yet, by start offset.
    private var pieces: [RangeFetch] = []

    /// A source for an object whose size and ETag are known (from a listing).
    public init(client: S3Client, location: S3Location, size: Int, eTag: String?, options: Options = Options()) {
        self.client = client
        self.location = location
        self.name = location.description
        self.size = size
        self.eTag = eTag
        self.options = options
    }

    /// Opens `location` with one HeadObject.
    ///
    /// - Throws: ``S3Error`` (for example `NoSuchKey`) naming the object.
    public static func open(client: S3Client, location: S3Location, options: Options = Options()) throws -> S3ByteSource
    {
        let info = try AWSBlocking.run { try await client.headObject(bucket: location.bucket, key: location.key) }
        return S3ByteSource(client: client, location: location, size: info.size, eTag: info.eTag, options: options)
    }

    public func read(at offset: Int, count: Int) throws -> [UInt8] {
        precondition(offset >= 0 && count >= 0 && offset <= size - count, "read outside the object")
        if count == 0 { return [] }
        let wanted = offset..<offset + count
        lock.lock()
        let covering = pieces.filter { $0.range.overlaps(wanted) }.sorted { $0.range.lowerBound < $1.range.lowerBound }
        lock.unlock()
        if Self.covers(covering.map(\.range), wanted) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(count)
            for piece in covering {
                let data = try piece.wait()
                let lower = max(wanted.lowerBound, piece.range.lowerBound)
                let upper = min(wanted.upperBound, piece.range.upperBound)
                bytes.append(contentsOf: data[(lower - piece.range.lowerBound)..<(upper - piece.range.lowerBound)])
                release(piece, consumed: upper - lower)
            }
            return bytes
        }
        let client = self.client
        let location = self.location
        let eTag = self.eTag
        return try AWSBlocking.run {
            try await client.getObject(bucket: location.bucket, key: location.key, range: wanted, ifMatch: eTag)
        }
    }

    /// Starts fetching `ranges` (coalesced and cut into pieces) unless earlier announcements cover them.
    public func willRead(_ ranges: [Range<Int>]) {
        let merged = Self.coalesce(ranges.filter { !$0.isEmpty }, gap: options.coalesceGap)
        lock.lock()
        defer { lock.unlock() }
        for span in merged {
            let held = pieces.map(\.range).filter { $0.overlaps(span) }.sorted { $0.lowerBound < $1.lowerBound }
            if Self.covers(held, span) { continue }
            var start = span.lowerBound
            while start < span.upperBound {
                let end = min(span.upperBound, start + options.pieceSize)
                pieces.append(RangeFetch(client: client, location: location, range: start..<end, eTag: eTag))
                start = end
            }
        }
        // What each piece is to hand out: the announced bytes in it (the coalesced gaps are never read).
        for range in ranges where !range.isEmpty {
            for piece in pieces where piece.range.overlaps(range) {
                piece.expected += piece.range.clamped(to: range).count
            }
        }
    }

    /// The number of fetched pieces not yet read whole (for tests: memory is released as reads go).
    var heldPieces: Int {
        lock.lock()
        defer { lock.unlock() }
        return pieces.count
    }

    private func release(_ piece: RangeFetch, consumed: Int) {
        lock.lock()
        defer { lock.unlock() }
        piece.consumed += consumed
        if piece.consumed >= piece.expected {
            pieces.removeAll { $0 === piece }
        }
    }

    /// Sorted, merged ranges: neighbours closer than `gap` become one.
    static func coalesce(_ ranges: [Range<Int>], gap: Int) -> [Range<Int>] {
        var merged: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound + gap {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// Whether `sorted` ranges leave no byte of `wanted` out.
    static func covers(_ sorted: [Range<Int>], _ wanted: Range<Int>) -> Bool {
        var next = wanted.lowerBound
        for range in sorted where range.lowerBound <= next {
            next = max(next, range.upperBound)
            if next >= wanted.upperBound { return true }
        }
        return next >= wanted.upperBound
    }
}
