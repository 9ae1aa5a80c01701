import Foundation

/// The process environment and shared files that configure AWS access: profile, file locations, region and
/// endpoint overrides. Holding the variables as a value (instead of reading `getenv`) keeps tests independent.
public struct AWSEnvironment: Sendable {
    /// The environment variables consulted.
    public var variables: [String: String]
    /// The home directory used for `~/.aws/...` and `~` in paths.
    public var homeDirectory: String

    /// Creates an environment; `homeDirectory` defaults to `$HOME`, then the user's home directory.
    public init(
        variables: [String: String] = ProcessInfo.processInfo.environment,
        homeDirectory: String? = nil
    ) {
        self.variables = variables
        self.homeDirectory =
            homeDirectory ?? variables["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    }

    /// A variable's value, `nil` when unset or empty.
    public subscript(name: String) -> String? {
        guard let value = variables[name], !value.isEmpty else { return nil }
        return value
    }

    /// `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else `default`.
    public var profileName: String { self["AWS_PROFILE"] ?? self["AWS_DEFAULT_PROFILE"] ?? "default" }

    /// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
    public var credentialsFilePath: String {
        expandTilde(self["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials")
    }

    /// `AWS_CONFIG_FILE`, else `~/.aws/config`.
    public var configFilePath: String { expandTilde(self["AWS_CONFIG_FILE"] ?? "~/.aws/config") }

    /// The config file's settings for the current profile (empty when the file or profile is missing or
    /// unreadable).
    public func configProfile() -> [String: String] {
        (try? SharedConfigFile.load(path: configFilePath, kind: .config))??.profile(profileName) ?? [:]
    }

    /// The region: `AWS_REGION`, else `AWS_DEFAULT_REGION`, else `region` in the config file's profile.
    public func region() -> String? {
        if let region = self["AWS_REGION"] ?? self["AWS_DEFAULT_REGION"] { return region }
        if let region = configProfile()["region"], !region.isEmpty { return region }
        return nil
    }

    /// The endpoint for the service with SDK id `serviceId` (e.g. `SFN`, `S3`): `AWS_ENDPOINT_URL_<ID>`, then
    /// `AWS_ENDPOINT_URL`, then `endpoint_url` in the config profile, else `https://<prefix>.<region>.amazonaws.com`
    /// (`.amazonaws.com.cn` in China regions). `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` skips the overrides.
    public func endpoint(serviceId: String, hostPrefix: String, region: String) throws -> URL {
        let ignore = self["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true"
        if !ignore {
            let variable = "AWS_ENDPOINT_URL_" + serviceId.uppercased().replacingOccurrences(of: " ", with: "_")
            let sources: [(String, String?)] = [
                (variable, self[variable]),
                ("AWS_ENDPOINT_URL", self["AWS_ENDPOINT_URL"]),
                ("endpoint_url in \(configFilePath)", configProfile()["endpoint_url"]),
            ]
            for case (let source, let value?) in sources where !value.isEmpty {
                guard let url = URL(string: value), let scheme = url.scheme?.lowercased(),
                    scheme == "http" || scheme == "https", url.host != nil
                else {
                    throw CredentialProviderError(
                        provider: "endpoint",
                        message: "\(source) is not an http(s) URL: \(value)"
                    )
                }
                return url
            }
        }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return URL(string: "https://\(hostPrefix).\(region).\(suffix)")!
    }

    /// The Step Functions endpoint (`AWS_ENDPOINT_URL_SFN`, `AWS_ENDPOINT_URL`, else
    /// `https://states.<region>.amazonaws.com`).
    public func stepFunctionsEndpoint(region: String) throws -> URL {
        try endpoint(serviceId: "SFN", hostPrefix: "states", region: region)
    }

    /// The S3 endpoint (`AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, else `https://s3.<region>.amazonaws.com`).
    public func s3Endpoint(region: String) throws -> URL {
        try endpoint(serviceId: "S3", hostPrefix: "s3", region: region)
    }

    /// Replaces a leading `~` with ``homeDirectory``.
    public func expandTilde(_ path: String) -> String {
        if path == "~" { return homeDirectory }
        if path.hasPrefix("~/") { return homeDirectory + path.dropFirst() }
        return path
    }
}
