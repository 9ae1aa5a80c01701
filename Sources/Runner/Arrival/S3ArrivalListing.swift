import AWS
import Foundation
import Logging
import S3

/// ListObjectsV2 through an ``S3Client`` as an ``ArrivalListing``: pages of up to 1,000 keys, continued with
/// `start-after` (so a persisted cursor is just a key).
public struct S3ArrivalListing: ArrivalListing {
    /// The client.
    public let client: S3Client

    /// Wraps `client`.
    public init(client: S3Client) {
        self.client = client
    }

    /// A listing over a client configured from the environment.
    public init(environment: AWSEnvironment = AWSEnvironment(), logger: Logger) throws {
        self.client = try S3Client(environment: environment, logger: logger)
    }

    /// Shuts the client down.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    public func page(
        bucket: String,
        prefix: String,
        startAfter: String?
    ) async throws -> (
        objects: [S3ArrivalStateMachine.ListedObject], isTruncated: Bool
    ) {
        let page = try await client.listObjectsV2(bucket: bucket, prefix: prefix, startAfter: startAfter)
        let objects = page.objects.map { object in
            S3ArrivalStateMachine.ListedObject(
                key: object.key,
                size: Int64(object.size),
                eTag: object.eTag,
                lastModified: object.lastModified.map(Timestamp.format)
            )
        }
        return (objects, page.isTruncated)
    }
}
