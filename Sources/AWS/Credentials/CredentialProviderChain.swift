import AsyncHTTPClient
import Foundation
import Logging

/// Tries providers in order and caches the first credentials found, refreshing temporary credentials
/// ``refreshMargin`` before they expire. Concurrent callers share one resolution.
///
/// ``standard(environment:httpClient:logger:)`` is the standard AWS order: environment, shared files,
/// container, IMDSv2.
public actor CredentialProviderChain: AWSCredentialProvider {
    /// The providers, with the names used in errors and logs.
    public let providers: [(name: String, provider: any AWSCredentialProvider)]
    /// How long before expiry temporary credentials are refreshed.
    public let refreshMargin: TimeInterval
    private let logger: Logger
    private var cached: AWSCredentials?
    private var inFlight: Task<AWSCredentials, any Error>?

    /// Creates a chain over `providers`, tried in order.
    public init(
        providers: [(name: String, provider: any AWSCredentialProvider)],
        refreshMargin: TimeInterval = 300,
        logger: Logger
    ) {
        self.providers = providers
        self.refreshMargin = refreshMargin
        self.logger = logger
    }

    /// The standard chain: environment variables, shared credentials/config files, container credentials, IMDSv2.
    public static func standard(
        environment: AWSEnvironment = AWSEnvironment(),
        httpClient: HTTPClient,
        logger: Logger
    ) -> CredentialProviderChain {
        CredentialProviderChain(
            providers: [
                ("environment", EnvironmentCredentialProvider(environment: environment)),
                ("shared files", ProfileCredentialProvider(environment: environment)),
                ("container", ContainerCredentialProvider(environment: environment, httpClient: httpClient)),
                ("IMDS", InstanceMetadataCredentialProvider(environment: environment, httpClient: httpClient)),
            ],
            logger: logger
        )
    }

    /// Cached credentials while they are fresh; otherwise resolves again. When a refresh fails but the cached
    /// temporary credentials have not yet expired, those are returned.
    public func credentials() async throws -> AWSCredentials {
        if let cached, !cached.expires(within: refreshMargin) { return cached }
        if let inFlight { return try await inFlight.value }
        let task = Task { try await self.resolve() }
        inFlight = task
        defer { inFlight = nil }
        do {
            let credentials = try await task.value
            cached = credentials
            return credentials
        } catch {
            if let cached, !cached.expires(within: 0) {
                logger.warning(
                    "credential refresh failed; using the current credentials until they expire",
                    metadata: ["error": "\(error)", "expiration": "\(cached.expiration.map { "\($0)" } ?? "-")"]
                )
                return cached
            }
            throw error
        }
    }

    /// Forgets the cached credentials, so the next call resolves again (e.g. after an ExpiredToken answer).
    public func invalidate() { cached = nil }

    private func resolve() async throws -> AWSCredentials {
        var reasons: [String] = []
        for (name, provider) in providers {
            do {
                let credentials = try await provider.credentials()
                logger.debug(
                    "resolved AWS credentials",
                    metadata: ["provider": "\(name)", "accessKeyId": "\(credentials.accessKeyId)"]
                )
                return credentials
            } catch let error as CredentialProviderError {
                reasons.append("\(name): \(error.message)")
                if !error.notConfigured {
                    logger.debug("credential provider failed", metadata: ["provider": "\(name)", "error": "\(error)"])
                }
            } catch {
                reasons.append("\(name): \(error)")
            }
        }
        throw CredentialProviderError(
            provider: "chain",
            message: "no AWS credentials found (" + reasons.joined(separator: "; ") + ")"
        )
    }
}
