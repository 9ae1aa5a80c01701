import AWS
import Foundation
import Logging
import S3
import Synchronization

/// The object stores a run may reach: today S3, through one client created on first use and shared by every input
/// and output of every run.
///
/// The owner (the CLI, the worker) calls ``shutdown()`` once no run uses it any more.
public final class ObjectStore: Sendable {
    /// How outputs are uploaded.
    public struct UploadOptions: Sendable, Hashable {
        /// The multipart upload's part size (at least 5 MiB against AWS). Default 16 MiB.
        public var partSize: Int
        /// Parts in flight per object. Default 4.
        public var maxInFlight: Int

        /// Creates options.
        public init(partSize: Int = S3ByteSink.defaultPartSize, maxInFlight: Int = 4) {
            self.partSize = partSize
            self.maxInFlight = maxInFlight
        }
    }

    /// How outputs are uploaded.
    public let uploadOptions: UploadOptions
    private let environment: AWSEnvironment
    private let logger: Logger
    private let client = Mutex<S3Client?>(nil)

    /// Creates a store that configures its S3 client from `environment` (region, endpoint, credentials) when first
    /// asked for it.
    public init(
        environment: AWSEnvironment = AWSEnvironment(),
        uploadOptions: UploadOptions = UploadOptions(),
        logger: Logger
    ) {
        self.environment = environment
        self.logger = logger
        self.uploadOptions = uploadOptions
    }

    /// The S3 client, created on first use.
    ///
    /// - Throws: the configuration error (no region, a malformed endpoint override).
    public func s3() throws -> S3Client {
        try client.withLock { client in
            if let client { return client }
            let created = try S3Client(environment: environment, logger: logger)
            client = created
            return created
        }
    }

    /// Shuts the client down, if one was created.
    public func shutdown() async {
        let created = client.withLock { client in
            defer { client = nil }
            return client
        }
        try? await created?.shutdown()
    }
}
