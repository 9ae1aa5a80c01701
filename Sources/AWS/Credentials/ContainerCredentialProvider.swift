import AsyncHTTPClient
import Foundation

/// Credentials from the ECS/EKS container credentials endpoint.
///
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is fetched from `http://169.254.170.2`; otherwise
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` (https, or http to a loopback address or the ECS/EKS link-local hosts).
/// The `Authorization` header comes from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read on every fetch) or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
public struct ContainerCredentialProvider: AWSCredentialProvider {
    /// The ECS base address for relative URIs.
    public static let ecsBaseURL = "http://169.254.170.2"
    static let allowedHTTPHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "[fd00:ec2::23]"]

    /// Where the variables come from.
    public var environment: AWSEnvironment
    /// The HTTP client used (owned by the caller).
    public var httpClient: HTTPClient
    /// The base for relative URIs; ``ecsBaseURL`` except in tests.
    public var relativeBaseURL: String
    /// The deadline of one fetch.
    public var timeout: Duration

    /// Creates a provider.
    public init(
        environment: AWSEnvironment = AWSEnvironment(),
        httpClient: HTTPClient,
        relativeBaseURL: String = ContainerCredentialProvider.ecsBaseURL,
        timeout: Duration = .seconds(5)
    ) {
        self.environment = environment
        self.httpClient = httpClient
        self.relativeBaseURL = relativeBaseURL
        self.timeout = timeout
    }

    /// Whether a container credentials variable is set.
    public var isConfigured: Bool {
        environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] != nil
            || environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] != nil
    }

    /// The URL to fetch.
    public func endpoint() throws -> String {
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] {
            return relativeBaseURL + (relative.hasPrefix("/") ? relative : "/" + relative)
        }
        guard let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] else {
            throw CredentialProviderError(
                provider: "container",
                message: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set",
                notConfigured: true
            )
        }
        guard let url = URL(string: full), let scheme = url.scheme?.lowercased(), let host = url.host else {
            throw CredentialProviderError(
                provider: "container",
                message: "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL"
            )
        }
        let allowed =
            scheme == "https"
            || (scheme == "http" && (CredentialHTTP.isLoopback(host) || Self.allowedHTTPHosts.contains(host)))
        guard allowed else {
            throw CredentialProviderError(
                provider: "container",
                message: "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback or ECS/EKS address; "
                    + "host \(host) is neither"
            )
        }
        return full
    }

    /// The authorization token, if configured; the file wins over the variable.
    public func authorizationToken() throws -> String? {
        var token: String?
        if let path = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] {
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: environment.expandTilde(path)))
                token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw CredentialProviderError(
                    provider: "container",
                    message: "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(path): \(error.localizedDescription)"
                )
            }
        } else {
            token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
        }
        if let token, token.contains("\r") || token.contains("\n") {
            throw CredentialProviderError(
                provider: "container",
                message: "the authorization token contains a line break"
            )
        }
        return token
    }

    public func credentials() async throws -> AWSCredentials {
        let url = try endpoint()
        var headers: [(String, String)] = [("Accept", "application/json")]
        if let token = try authorizationToken() { headers.append(("Authorization", token)) }
        let response: (status: Int, body: [UInt8])
        do {
            response = try await CredentialHTTP.fetch(httpClient, url: url, headers: headers, timeout: timeout)
        } catch {
            throw CredentialProviderError(provider: "container", message: "cannot reach \(url): \(error)")
        }
        guard response.status == 200 else {
            throw CredentialProviderError(provider: "container", message: "\(url) answered HTTP \(response.status)")
        }
        return try CredentialHTTP.parseCredentialDocument(response.body, provider: "container")
    }
}
