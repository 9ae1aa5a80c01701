import AsyncHTTPClient
import Foundation
import NIOHTTP1

/// Credentials of the EC2 instance role through IMDSv2: `PUT /latest/api/token`, then
/// `GET /latest/meta-data/iam/security-credentials/` for the role name and `.../<role>` for the credentials.
///
/// Off when `AWS_EC2_METADATA_DISABLED=true`. The endpoint is `AWS_EC2_METADATA_SERVICE_ENDPOINT`, else
/// `http://[fd00:ec2::254]` when `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6`, else `http://169.254.169.254`.
/// Each request has a short deadline (1 s by default) so the chain fails fast off EC2.
public struct InstanceMetadataCredentialProvider: AWSCredentialProvider {
    /// Where the variables come from.
    public var environment: AWSEnvironment
    /// The HTTP client used (owned by the caller).
    public var httpClient: HTTPClient
    /// The deadline of each request.
    public var timeout: Duration

    /// Creates a provider.
    public init(environment: AWSEnvironment = AWSEnvironment(), httpClient: HTTPClient, timeout: Duration = .seconds(1))
    {
        self.environment = environment
        self.httpClient = httpClient
        self.timeout = timeout
    }

    /// Whether `AWS_EC2_METADATA_DISABLED` is `true`.
    public var isDisabled: Bool { environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" }

    /// The metadata service's base URL, without a trailing slash.
    public var endpoint: String {
        var base: String
        if let configured = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] {
            base = configured
        } else if environment["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]?.lowercased() == "ipv6" {
            base = "http://[fd00:ec2::254]"
        } else {
            base = "http://169.254.169.254"
        }
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    public func credentials() async throws -> AWSCredentials {
        guard !isDisabled else {
            throw CredentialProviderError(
                provider: "IMDS",
                message: "disabled by AWS_EC2_METADATA_DISABLED",
                notConfigured: true
            )
        }
        let base = endpoint
        let token = try await text(
            base + "/latest/api/token",
            method: .PUT,
            headers: [("X-aws-ec2-metadata-token-ttl-seconds", "21600")],
            what: "a session token"
        )
        let auth = [("X-aws-ec2-metadata-token", token)]
        let roles = try await text(
            base + "/latest/meta-data/iam/security-credentials/",
            headers: auth,
            what: "the instance role"
        )
        guard let role = roles.split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty else {
            throw CredentialProviderError(provider: "IMDS", message: "the instance has no IAM role")
        }
        let encodedRole = role.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? role
        let response = try await fetch(
            base + "/latest/meta-data/iam/security-credentials/" + encodedRole,
            headers: auth,
            what: "the role's credentials"
        )
        return try CredentialHTTP.parseCredentialDocument(response, provider: "IMDS")
    }

    private func text(
        _ url: String,
        method: HTTPMethod = .GET,
        headers: [(String, String)],
        what: String
    ) async throws -> String {
        let body = try await fetch(url, method: method, headers: headers, what: what)
        return String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func fetch(
        _ url: String,
        method: HTTPMethod = .GET,
        headers: [(String, String)],
        what: String
    ) async throws -> [UInt8] {
        let response: (status: Int, body: [UInt8])
        do {
            response = try await CredentialHTTP.fetch(
                httpClient,
                url: url,
                method: method,
                headers: headers,
                timeout: timeout,
                maxBytes: 64 * 1024
            )
        } catch {
            throw CredentialProviderError(provider: "IMDS", message: "cannot get \(what) from \(endpoint): \(error)")
        }
        guard response.status == 200 else {
            throw CredentialProviderError(
                provider: "IMDS",
                message: "getting \(what) from \(endpoint) answered HTTP \(response.status)"
            )
        }
        return response.body
    }
}
