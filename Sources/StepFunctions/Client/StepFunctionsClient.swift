import AWS
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A client for the AWS Step Functions JSON API (`POST /`, `application/x-amz-json-1.0`,
/// `X-Amz-Target: AWSStepFunctions.<Operation>`, SigV4 service `states`).
///
/// It owns an `HTTPClient`; call ``shutdown()`` when done. Throttling, HTTP 5xx and network errors are retried
/// per ``Configuration/retryPolicy``; other errors surface at once as ``StepFunctionsError``. Credential failures
/// surface as ``CredentialProviderError``. Neither ever contains a secret.
public final class StepFunctionsClient: Sendable {
    /// Where and how the client talks to the service.
    public struct Configuration: Sendable {
        /// The region, e.g. `us-east-1`; also the SigV4 scope's region.
        public var region: String
        /// The service endpoint, e.g. `https://states.us-east-1.amazonaws.com` or `http://127.0.0.1:5000`.
        public var endpoint: URL
        /// Retries of throttling, 5xx and network errors.
        public var retryPolicy: RetryPolicy
        /// The deadline of one `GetActivityTask` long poll (the service holds it up to 60 s); at least 70 s is
        /// advised, and it is also the connection's read timeout.
        public var pollTimeout: Duration
        /// The deadline of one attempt of any other call.
        public var requestTimeout: Duration
        /// The TCP/TLS connect timeout.
        public var connectTimeout: Duration

        /// Creates a configuration.
        public init(
            region: String,
            endpoint: URL,
            retryPolicy: RetryPolicy = .default,
            pollTimeout: Duration = .seconds(70),
            requestTimeout: Duration = .seconds(30),
            connectTimeout: Duration = .seconds(5)
        ) {
            self.region = region
            self.endpoint = endpoint
            self.retryPolicy = retryPolicy
            self.pollTimeout = pollTimeout
            self.requestTimeout = requestTimeout
            self.connectTimeout = connectTimeout
        }

        /// Region from `AWS_REGION` / `AWS_DEFAULT_REGION` / the config file, endpoint from `AWS_ENDPOINT_URL_SFN`
        /// / `AWS_ENDPOINT_URL` / `https://states.<region>.amazonaws.com`.
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
                endpoint: try environment.stepFunctionsEndpoint(region: region),
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
        self.signer = SigV4Signer(region: configuration.region, service: "states")
        var httpConfiguration = HTTPClient.Configuration(
            timeout: .init(
                connect: AWSHTTP.timeAmount(configuration.connectTimeout),
                read: AWSHTTP.timeAmount(max(configuration.pollTimeout, configuration.requestTimeout))
            )
        )
        httpConfiguration.decompression = .disabled
        // Connection failures surface at once; ``RetryPolicy`` decides about retries, with jitter.
        httpConfiguration.connectionPool.retryConnectionEstablishment = false
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        self.httpClient = httpClient
        self.credentialProvider =
            credentialProvider
            ?? CredentialProviderChain.standard(environment: environment, httpClient: httpClient, logger: logger)
    }

    /// A client configured from the environment: region, endpoint and the standard credential chain.
    /// Throws ``CredentialProviderError`` when no region is configured or an endpoint override is malformed.
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

    /// Calls `operation` with a JSON `body` and returns the JSON answer, retrying as configured.
    /// The escape hatch for operations without a typed method.
    public func call(_ operation: String, body: Data, timeout: Duration? = nil) async throws -> Data {
        let policy = configuration.retryPolicy
        var refreshedCredentials = false
        var attempt = 0
        while true {
            attempt += 1
            do {
                AWSMetrics.requestSent(service: "states", operation: operation)
                return try await attemptOnce(operation, body: body, timeout: timeout ?? configuration.requestTimeout)
            } catch var error as StepFunctionsError {
                error.attempts = attempt
                if error.code == .expiredToken, !refreshedCredentials,
                    let chain = credentialProvider as? CredentialProviderChain
                {
                    // Temporary credentials expired early: resolve them again once.
                    refreshedCredentials = true
                    await chain.invalidate()
                    attempt -= 1
                    continue
                }
                guard error.isRetryable, attempt < policy.maxAttempts else {
                    logger.debug(
                        "Step Functions call failed",
                        metadata: ["operation": "\(operation)", "error": "\(error)"]
                    )
                    throw error
                }
                let delay = policy.delay(forRetry: attempt - 1)
                AWSMetrics.retried(service: "states", operation: operation, cause: "\(error.code)")
                logger.info(
                    "retrying Step Functions call",
                    metadata: [
                        "operation": "\(operation)", "attempt": "\(attempt)", "code": "\(error.code)",
                        "status": "\(error.httpStatus.map(String.init) ?? "-")", "delay": "\(delay)",
                    ]
                )
                try await Task.sleep(for: delay)
            }
        }
    }

    /// One signed request; HTTP errors and transport failures become ``StepFunctionsError``.
    private func attemptOnce(_ operation: String, body: Data, timeout: Duration) async throws -> Data {
        let credentials = try await credentialProvider.credentials()
        let endpoint = configuration.endpoint
        let encodedPath = endpoint.path(percentEncoded: true)
        let path = encodedPath.isEmpty ? "/" : encodedPath
        let host = AWSHTTP.hostHeader(endpoint)
        let target = "AWSStepFunctions.\(operation)"
        let bodyBytes = [UInt8](body)
        var headers: [(name: String, value: String)] = [
            ("Host", host),
            ("Content-Type", "application/x-amz-json-1.0"),
            ("X-Amz-Target", target),
        ]
        let signature = signer.sign(
            SigV4Signer.Request(method: "POST", path: path, headers: headers, body: bodyBytes),
            credentials: credentials
        )
        headers.append(contentsOf: signature.headers)

        var request = HTTPClientRequest(url: endpoint.absoluteString)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: bodyBytes))

        let status: Int
        let responseBody: [UInt8]
        let errorType: String?
        do {
            let response = try await httpClient.execute(request, timeout: AWSHTTP.timeAmount(timeout), logger: logger)
            status = Int(response.status.code)
            errorType = response.headers.first(name: "x-amzn-errortype")
            let buffer = try await response.body.collect(upTo: 16 << 20)
            responseBody = Array(buffer.readableBytesView)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw StepFunctionsError(
                code: .network,
                message: "no answer from \(AWSHTTP.describe(endpoint)): \(AWSHTTP.describeTransportError(error))",
                httpStatus: nil,
                operation: operation
            )
        }
        guard (200..<300).contains(status) else {
            throw StepFunctionsError.parse(
                status: status,
                body: responseBody,
                errorTypeHeader: errorType,
                operation: operation
            )
        }
        return Data(responseBody)
    }
}
