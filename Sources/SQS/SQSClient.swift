import AWS
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A small client for Amazon SQS's JSON protocol (`POST /`, `application/x-amz-json-1.0`,
/// `X-Amz-Target: AmazonSQS.<Operation>`, SigV4 service `sqs`): receive (long poll), delete, queue lookup and
/// creation.
///
/// It owns an `HTTPClient`; call ``shutdown()`` when done. Throttling, HTTP 5xx and network errors are retried per
/// ``Configuration/retryPolicy``; other errors surface at once as ``SQSError``, naming the operation and queue.
public final class SQSClient: Sendable {
    /// Where and how the client talks to the service.
    public struct Configuration: Sendable {
        /// The region; also the SigV4 scope's region.
        public var region: String
        /// The endpoint, e.g. `https://sqs.us-east-1.amazonaws.com` or `http://127.0.0.1:5000`.
        public var endpoint: URL
        /// Retries of throttling, 5xx and network errors.
        public var retryPolicy: RetryPolicy
        /// The deadline of one attempt of a call other than a long poll (which gets its wait time on top).
        public var requestTimeout: Duration
        /// The TCP/TLS connect timeout.
        public var connectTimeout: Duration

        /// Creates a configuration.
        public init(
            region: String,
            endpoint: URL,
            retryPolicy: RetryPolicy = .default,
            requestTimeout: Duration = .seconds(30),
            connectTimeout: Duration = .seconds(5)
        ) {
            self.region = region
            self.endpoint = endpoint
            self.retryPolicy = retryPolicy
            self.requestTimeout = requestTimeout
            self.connectTimeout = connectTimeout
        }

        /// Region from the usual chain; endpoint from `AWS_ENDPOINT_URL_SQS`, `AWS_ENDPOINT_URL`, else
        /// `https://sqs.<region>.amazonaws.com`.
        public static func resolve(
            environment: AWSEnvironment = AWSEnvironment(),
            retryPolicy: RetryPolicy = .default
        ) throws -> Configuration {
            guard let region = environment.region() else {
                throw CredentialProviderError(
                    provider: "region",
                    message: "no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION, or region in "
                        + "\(environment.configFilePath) for profile '\(environment.profileName)')"
                )
            }
            return Configuration(
                region: region,
                endpoint: try environment.endpoint(serviceId: "SQS", hostPrefix: "sqs", region: region),
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

    /// Creates a client; without `credentialProvider` it uses the standard chain over `environment`.
    public init(
        configuration: Configuration,
        credentialProvider: (any AWSCredentialProvider)? = nil,
        environment: AWSEnvironment = AWSEnvironment(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.logger = logger
        self.signer = SigV4Signer(region: configuration.region, service: "sqs")
        var httpConfiguration = HTTPClient.Configuration(
            timeout: .init(connect: AWSHTTP.timeAmount(configuration.connectTimeout))
        )
        httpConfiguration.decompression = .disabled
        httpConfiguration.connectionPool.retryConnectionEstablishment = false
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        self.httpClient = httpClient
        self.credentialProvider =
            credentialProvider
            ?? CredentialProviderChain.standard(environment: environment, httpClient: httpClient, logger: logger)
    }

    /// A client configured from the environment: region, endpoint and the standard credential chain.
    public convenience init(
        environment: AWSEnvironment = AWSEnvironment(),
        retryPolicy: RetryPolicy = .default,
        logger: Logger
    ) throws {
        self.init(
            configuration: try Configuration.resolve(environment: environment, retryPolicy: retryPolicy),
            environment: environment,
            logger: logger
        )
    }

    /// Shuts down the HTTP client. Call once, when no call is in flight any more.
    public func shutdown() async throws {
        try await httpClient.shutdown()
    }

    /// Calls `operation` on `queue` (for errors) with a JSON object `body`, retrying as configured; returns the
    /// JSON answer (an empty object for an empty body).
    public func call(
        _ operation: String,
        queue: String,
        body: [String: Any],
        extraTimeout: Duration = .zero
    ) async throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        let policy = configuration.retryPolicy
        var attempt = 0
        while true {
            attempt += 1
            do {
                AWSMetrics.requestSent(service: "sqs", operation: operation)
                let answer = try await attemptOnce(
                    operation,
                    queue: queue,
                    body: [UInt8](data),
                    timeout: configuration.requestTimeout + extraTimeout
                )
                if answer.isEmpty { return [:] }
                guard let object = try? JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any] else {
                    throw SQSError(
                        code: "MalformedResponse",
                        message:
                            "the answer is not a JSON object: \(String(decoding: answer.prefix(200), as: UTF8.self))",
                        httpStatus: 200,
                        operation: operation,
                        queue: queue
                    )
                }
                return object
            } catch var error as SQSError {
                error.attempts = attempt
                guard error.isRetryable, attempt < policy.maxAttempts else { throw error }
                let delay = policy.delay(forRetry: attempt - 1)
                AWSMetrics.retried(service: "sqs", operation: operation, cause: "\(error.code)")
                logger.info(
                    "retrying SQS call",
                    metadata: [
                        "operation": "\(operation)", "queue": "\(queue)", "attempt": "\(attempt)",
                        "code": "\(error.code)", "delay": "\(delay)",
                    ]
                )
                try await Task.sleep(for: delay)
            }
        }
    }

    private func attemptOnce(
        _ operation: String,
        queue: String,
        body: [UInt8],
        timeout: Duration
    ) async throws
        -> [UInt8]
    {
        let credentials = try await credentialProvider.credentials()
        let endpoint = configuration.endpoint
        let encodedPath = endpoint.path(percentEncoded: true)
        let path = encodedPath.isEmpty ? "/" : encodedPath
        var headers: [(name: String, value: String)] = [
            ("Host", AWSHTTP.hostHeader(endpoint)),
            ("Content-Type", "application/x-amz-json-1.0"),
            ("X-Amz-Target", "AmazonSQS.\(operation)"),
        ]
        let signature = signer.sign(
            SigV4Signer.Request(method: "POST", path: path, headers: headers, body: body),
            credentials: credentials
        )
        headers.append(contentsOf: signature.headers)
        var request = HTTPClientRequest(url: endpoint.absoluteString)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))

        let status: Int
        let responseBody: [UInt8]
        let queryError: String?
        do {
            let response = try await httpClient.execute(request, timeout: AWSHTTP.timeAmount(timeout), logger: logger)
            status = Int(response.status.code)
            queryError = response.headers.first(name: "x-amzn-query-error")
            responseBody = Array(try await response.body.collect(upTo: 16 << 20).readableBytesView)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw SQSError(
                code: SQSError.networkCode,
                message: "no answer from \(AWSHTTP.describe(endpoint)): \(AWSHTTP.describeTransportError(error))",
                httpStatus: nil,
                operation: operation,
                queue: queue
            )
        }
        guard (200..<300).contains(status) else {
            throw SQSError.parse(
                status: status,
                body: responseBody,
                queryErrorHeader: queryError,
                operation: operation,
                queue: queue
            )
        }
        return responseBody
    }
}
