import Foundation

/// What `HeadObject` tells about an object.
public struct S3ObjectInfo: Sendable, Hashable {
    /// The size in bytes.
    public var size: Int
    /// The ETag, with its quotes as S3 sends it (e.g. `"9b2cf535f27731c974343645a3985328"`).
    public var eTag: String
    /// When the object was last written.
    public var lastModified: Date?
    /// The `Content-Type`, when set.
    public var contentType: String?

    /// Creates an info.
    public init(size: Int, eTag: String, lastModified: Date?, contentType: String? = nil) {
        self.size = size
        self.eTag = eTag
        self.lastModified = lastModified
        self.contentType = contentType
    }
}

/// One object of a listing.
public struct S3Object: Sendable, Hashable {
    /// The full key.
    public var key: String
    /// The size in bytes.
    public var size: Int
    /// The ETag, with its quotes.
    public var eTag: String
    /// When the object was last written.
    public var lastModified: Date?
    /// The storage class, e.g. `STANDARD`.
    public var storageClass: String?

    /// Creates an object entry.
    public init(key: String, size: Int, eTag: String, lastModified: Date?, storageClass: String? = nil) {
        self.key = key
        self.size = size
        self.eTag = eTag
        self.lastModified = lastModified
        self.storageClass = storageClass
    }
}

/// One page of `ListObjectsV2`.
public struct S3ListPage: Sendable, Hashable {
    /// The objects of this page, in key order.
    public var objects: [S3Object]
    /// The common prefixes (with a delimiter), in order.
    public var commonPrefixes: [String]
    /// Whether more pages follow.
    public var isTruncated: Bool
    /// The token for the next page, when ``isTruncated``.
    public var nextContinuationToken: String?

    /// Creates a page.
    public init(objects: [S3Object], commonPrefixes: [String], isTruncated: Bool, nextContinuationToken: String?) {
        self.objects = objects
        self.commonPrefixes = commonPrefixes
        self.isTruncated = isTruncated
        self.nextContinuationToken = nextContinuationToken
    }
}

/// An incomplete multipart upload.
public struct S3MultipartUpload: Sendable, Hashable {
    /// The key it will create.
    public var key: String
    /// Its upload id.
    public var uploadId: String
    /// When it was created.
    public var initiated: Date?

    /// Creates an entry.
    public init(key: String, uploadId: String, initiated: Date?) {
        self.key = key
        self.uploadId = uploadId
        self.initiated = initiated
    }
}

/// A part of a multipart upload, as `CompleteMultipartUpload` takes it.
public struct S3CompletedPart: Sendable, Hashable {
    /// The part number, 1...10,000.
    public var partNumber: Int
    /// The ETag `UploadPart` answered.
    public var eTag: String

    /// Creates a part.
    public init(partNumber: Int, eTag: String) {
        self.partNumber = partNumber
        self.eTag = eTag
    }
}
