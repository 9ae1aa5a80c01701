/// A source of AWS credentials.
public protocol AWSCredentialProvider: Sendable {
    /// Returns credentials, or throws ``CredentialProviderError`` when this source has none.
    func credentials() async throws -> AWSCredentials
}

/// A provider that always returns the same credentials.
public struct StaticCredentialProvider: AWSCredentialProvider {
    /// The credentials returned.
    public var value: AWSCredentials

    /// Creates a provider returning `credentials`.
    public init(_ credentials: AWSCredentials) { self.value = credentials }

    public func credentials() async throws -> AWSCredentials { value }
}

/// A credential source found nothing usable or failed. Never includes secret values.
public struct CredentialProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The source, e.g. `environment`, `profile default`, `container`, `IMDS`, `chain`.
    public var provider: String
    /// What went wrong.
    public var message: String
    /// Whether the source is simply not configured (the chain moves on silently) rather than broken.
    public var notConfigured: Bool

    /// Creates an error.
    public init(provider: String, message: String, notConfigured: Bool = false) {
        self.provider = provider
        self.message = message
        self.notConfigured = notConfigured
    }

    public var description: String { "credentials (\(provider)): \(message)" }
}
