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

    /// How CSV objects are read front to back (see ``S3/S3SequentialSource``).
    public struct ReadOptions: Sendable, Hashable {
        /// The bytes of one streamed GET. Default 1 GiB: an object of up to 1 GiB is one request, which against
        /// a store that serves a range by copying the object (moto) or bills per request is the cheapest; set a few
        /// MiB to read one object over several connections at once where one connection's bandwidth is the limit.
        public var blockSize: Int
        /// GETs in flight ahead of the parser. Default 2.
        public var readAhead: Int
        /// Bytes each GET holds at most before it waits for the parser. Default 8 MiB.
        public var bufferLimit: Int

        /// Creates options.
        public init(blockSize: Int = 1 << 30, readAhead: Int = 2, bufferLimit: Int = 8 << 20) {
            self.blockSize = max(1, blockSize)
            self.readAhead = max(1, readAhead)
            self.bufferLimit = max(1, bufferLimit)
        }
    }

    /// How outputs are uploaded.
    public let uploadOptions: UploadOptions
    /// How CSV objects are read.
    public let readOptions: ReadOptions
    private let environment: AWSEnvironment
    private let logger: Logger
    private let client = Mutex<S3Client?>(nil)

    /// Creates a store that configures its S3 client from `environment` (region, endpoint, credentials) when first
    /// asked for it.
    public init(
        environment: AWSEnvironment = AWSEnvironment(),
        uploadOptions: UploadOptions = UploadOptions(),
        readOptions: ReadOptions = ReadOptions(),
        logger: Logger
    ) {
        self.environment = environment
        self.logger = logger
        self.uploadOptions = uploadOptions
        self.readOptions = readOptions
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
