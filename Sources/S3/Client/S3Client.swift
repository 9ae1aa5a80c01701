import AWS
import AsyncHTTPClient
import Foundation
import Logging

/// A client for the S3 REST API (SigV4 service `s3`, `x-amz-content-sha256` carrying the payload hash).
///
/// It owns an `HTTPClient`; call ``shutdown()`` when done. Every call retries HTTP 500, 502, 503 (`SlowDown`),
/// 504, throttling codes and connection failures per ``Configuration/retryPolicy``, with full jitter; a GET cut
/// mid-body resumes where it broke, pinned to the first answer's ETag. Other failures surface as ``S3Error``
/// (credential failures as `CredentialProviderError`); neither ever contains a secret.
///
/// Addressing is path-style (`https://host/bucket/key`) for an IP or `localhost` endpoint, for bucket names with
/// dots or otherwise not DNS-safe, and when ``Configuration/forcePathStyle`` is set; virtual-host style
/// (`https://bucket.host/key`) otherwise.
public final class S3Client: Sendable {
    /// Where and how the client talks to S3.
    public struct Configuration: Sendable {
        /// The region, e.g. `us-east-1`; also the SigV4 scope's region.
        public var region: String
        /// The endpoint, e.g. `https://s3.us-east-1.amazonaws.com` or `http://127.0.0.1:5000`.
        public var endpoint: URL
        /// Use path-style addressing even when the endpoint allows virtual hosts (`AWS_S3_FORCE_PATH_STYLE`).
        public var forcePathStyle: Bool
        /// Retries of 5xx, throttling and connection failures.
        public var retryPolicy: RetryPolicy
        /// The deadline for the answer's head, per attempt.
        public var requestTimeout: Duration
        /// The longest silence while a body streams in (the connection's read timeout).
        public var readTimeout: Duration
        /// The TCP/TLS connect timeout.
        public var connectTimeout: Duration
        /// Connections kept per host; parallel ranged GETs and part uploads each take one.
        public var maximumConnectionsPerHost: Int

        /// Creates a configuration.
        public init(
            region: String,
            endpoint: URL,
            forcePathStyle: Bool = false,
            retryPolicy: RetryPolicy = .default,
            requestTimeout: Duration = .seconds(60),
            readTimeout: Duration = .seconds(60),
            connectTimeout: Duration = .seconds(5),
            maximumConnectionsPerHost: Int = 32
        ) {
            self.region = region
            self.endpoint = endpoint
            self.forcePathStyle = forcePathStyle
            self.retryPolicy = retryPolicy
            self.requestTimeout = requestTimeout
            self.readTimeout = readTimeout
            self.connectTimeout = connectTimeout
            self.maximumConnectionsPerHost = maximumConnectionsPerHost
        }

        /// Region from `AWS_REGION` / `AWS_DEFAULT_REGION` / the config file; endpoint from `AWS_ENDPOINT_URL_S3`
        /// / `AWS_ENDPOINT_URL` / `https://s3.<region>.amazonaws.com`; path style from `AWS_S3_FORCE_PATH_STYLE`
        /// (`true`/`1`) or `forcePathStyle`.
        public static func resolve(
            environment: AWSEnvironment = AWSEnvironment(),
            retryPolicy: RetryPolicy = .default,
            forcePathStyle: Bool = false
        ) throws -> Configuration {
            guard let region = environment.region() else {
                throw CredentialProviderError(
                    provider: "region",
                    message: "no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION, or region in "
                        + "\(environment.configFilePath) for profile '\(environment.profileName)')"
                )
            }
            let flag = environment["AWS_S3_FORCE_PATH_STYLE"]?.lowercased()
            return Configuration(
                region: region,
                endpoint: try environment.s3Endpoint(region: region),
                forcePathStyle: forcePathStyle || flag == "true" || flag == "1",
                retryPolicy: retryPolicy
            )
        }
    }

    /// The configuration in use.
    public let configuration: Configuration
    /// The credential source.
    public let credentialProvider: any AWSCredentialProvider
    /// The HTTP client (owned; shut down by ``shutdown()``).
    public let httpClient: HTTPClient
    let signer: SigV4Signer
    let logger: Logger

    /// Creates a client. Without `credentialProvider` it uses the standard chain over `environment`
    /// (environment variables, shared files, container, IMDSv2), sharing this client's `HTTPClient`.
    public init(
        configuration: Configuration,
        credentialProvider: (any AWSCredentialProvider)? = nil,
        environment: AWSEnvironment = AWSEnvironment(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.logger = logger
        self.signer = SigV4Signer(region: configuration.region, service: "s3", options: .s3)
        var httpConfiguration = HTTPClient.Configuration(
            timeout: .init(
                connect: AWSHTTP.timeAmount(configuration.connectTimeout),
                read: AWSHTTP.timeAmount(configuration.readTimeout)
            )
        )
        // Objects are bytes as stored: a `Content-Encoding: gzip` object is not to be inflated on the way.
        httpConfiguration.decompression = .disabled
        // Connection failures surface at once; ``RetryPolicy`` decides about retries, with jitter.
        httpConfiguration.connectionPool.retryConnectionEstablishment = false
        httpConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(
            1,
            configuration.maximumConnectionsPerHost
        )
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        self.httpClient = httpClient
        self.credentialProvider =
            credentialProvider
            ?? CredentialProviderChain.standard(environment: environment, httpClient: httpClient, logger: logger)
    }

    /// A client configured from the environment: region, endpoint, path style and the standard credential chain.
    /// Throws `CredentialProviderError` when no region is configured or an endpoint override is malformed.
    public convenience init(
        environment: AWSEnvironment = AWSEnvironment(),
        retryPolicy: RetryPolicy = .default,
        forcePathStyle: Bool = false,
        logger: Logger
    ) throws {
        self.init(
            configuration: try Configuration.resolve(
                environment: environment,
                retryPolicy: retryPolicy,
                forcePathStyle: forcePathStyle
            ),
            environment: environment,
            logger: logger
        )
    }

    /// Shuts down the HTTP client. Call once, when no call is in flight any more.
    public func shutdown() async throws {
        try await httpClient.shutdown()
    }

    /// Whether requests for `bucket` use path-style addressing (see the type's documentation).
    public func usesPathStyle(bucket: String) -> Bool {
        if configuration.forcePathStyle { return true }
        let host = (configuration.endpoint.host ?? "").lowercased()
        if host == "localhost" || host.hasSuffix(".localhost") || Self.isIPAddress(host) { return true }
        // A dot breaks the TLS wildcard certificate; other names are not valid DNS labels.
        if bucket.contains(".") || S3Location.bucketNameProblem(bucket) != nil { return true }
        return false
    }

    /// Whether `host` is an IPv4 or IPv6 literal.
    static func isIPAddress(_ host: String) -> Bool {
        if host.contains(":") || host.hasPrefix("[") { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in !part.isEmpty && part.allSatisfy(\.isNumber) }
    }
}
