import AWS
import Foundation
import Logging
import TestSupport

@testable import S3

/// The moto servers the suites share (started once per test process; each test uses buckets of its own), and
/// clients for them.
enum S3Peers {
    /// moto with S3's real 5 MiB minimum part size.
    private static let standardServer = Task { try await MotoS3Server.start() }
    /// moto accepting parts of 1 KiB.
    private static let smallPartServer = Task { try await MotoS3Server.start(partMinimumSize: 1024) }

    static func moto() async throws -> MotoS3Server { try await standardServer.value }
    static func smallPartMoto() async throws -> MotoS3Server { try await smallPartServer.value }

    /// Quick retries for tests: 4 attempts, 5–50 ms backoff.
    static let fastRetries = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(5), maxDelay: .milliseconds(50))

    /// A new bucket on `moto`, named for the test.
    static func bucket(_ moto: MotoS3Server, _ label: String) throws -> String {
        let name = "\(label)-\(UUID().uuidString.prefix(8).lowercased())"
        try moto.createBucket(name)
        return name
    }

    /// A client for `endpoint` with static test credentials; shut down after `body`.
    static func withClient<T>(
        endpoint: String,
        credentials: (keyId: String, secret: String) = ("testing", "testing"),
        retryPolicy: RetryPolicy = fastRetries,
        requestTimeout: Duration = .seconds(30),
        logger: Logger = Logger(label: "test.s3"),
        _ body: (S3Client) async throws -> T
    ) async throws -> T {
        let client = S3Client(
            configuration: S3Client.Configuration(
                region: "us-east-1",
                endpoint: URL(string: endpoint)!,
                retryPolicy: retryPolicy,
                requestTimeout: requestTimeout,
                readTimeout: requestTimeout,
                connectTimeout: .seconds(2)
            ),
            credentialProvider: StaticCredentialProvider(
                AWSCredentials(accessKeyId: credentials.keyId, secretAccessKey: credentials.secret)
            ),
            logger: logger
        )
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try await client.shutdown()
            throw error
        }
    }

    /// `count` bytes of a fixed, non-repeating-looking pattern (`seed` varies it).
    static func bytes(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        var out = [UInt8](repeating: 0, count: count)
        for index in 0..<count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            out[index] = UInt8(truncatingIfNeeded: state)
        }
        return out
    }
}
