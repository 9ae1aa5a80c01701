import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Small HTTP helpers shared by the container and instance-metadata providers.
enum CredentialHTTP {
    /// One request with a hard deadline; returns status and body (bounded to `maxBytes`).
    static func fetch(
        _ client: HTTPClient,
        url: String,
        method: HTTPMethod = .GET,
        headers: [(String, String)] = [],
        timeout: Duration,
        maxBytes: Int = 1 << 20
    ) async throws -> (status: Int, body: [UInt8]) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let nanos = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        let response = try await client.execute(request, timeout: .nanoseconds(nanos))
        let buffer = try await response.body.collect(upTo: maxBytes)
        return (Int(response.status.code), Array(buffer.readableBytesView))
    }

    /// Parses the `{AccessKeyId, SecretAccessKey, Token, Expiration}` document served by ECS/EKS and IMDS.
    static func parseCredentialDocument(_ body: [UInt8], provider: String) throws -> AWSCredentials {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw CredentialProviderError(provider: provider, message: "the credential document is not a JSON object")
        }
        if let code = object["Code"] as? String, code != "Success" {
            let message = object["Message"] as? String ?? ""
            throw CredentialProviderError(provider: provider, message: "the service answered \(code) \(message)")
        }
        guard let accessKey = object["AccessKeyId"] as? String, !accessKey.isEmpty,
            let secretKey = object["SecretAccessKey"] as? String, !secretKey.isEmpty
        else {
            throw CredentialProviderError(
                provider: provider,
                message: "the credential document lacks AccessKeyId or SecretAccessKey"
            )
        }
        let token = (object["Token"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        var expiration: Date?
        if let text = object["Expiration"] as? String {
            guard let date = AWSHTTP.parseISO8601(text) else {
                throw CredentialProviderError(provider: provider, message: "unreadable Expiration '\(text)'")
            }
            expiration = date
        }
        return AWSCredentials(
            accessKeyId: accessKey,
            secretAccessKey: secretKey,
            sessionToken: token,
            expiration: expiration
        )
    }

    /// Whether `host` is a loopback address (HTTP credentials endpoints must be loopback or link-local).
    static func isLoopback(_ host: String) -> Bool {
        let host = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return host == "localhost" || host.hasPrefix("127.") || host == "::1"
    }
}
