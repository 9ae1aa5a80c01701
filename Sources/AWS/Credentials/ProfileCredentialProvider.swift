/// Static credentials of a profile in the shared credentials file (`[name]`) or config file (`[profile name]`):
/// `aws_access_key_id`, `aws_secret_access_key`, optional `aws_session_token`. The credentials file wins per key.
///
/// Profiles that only name a role (`role_arn`), SSO or a `credential_process` are reported as unsupported.
public struct ProfileCredentialProvider: AWSCredentialProvider {
    /// Where the files and profile name come from.
    public var environment: AWSEnvironment
    /// The profile; defaults to ``AWSEnvironment/profileName``.
    public var profileName: String

    /// Creates a provider for `profileName` (default: `AWS_PROFILE` or `default`).
    public init(environment: AWSEnvironment = AWSEnvironment(), profileName: String? = nil) {
        self.environment = environment
        self.profileName = profileName ?? environment.profileName
    }

    public func credentials() async throws -> AWSCredentials { try resolve() }

    /// The credentials, synchronously.
    public func resolve() throws -> AWSCredentials {
        let provider = "profile \(profileName)"
        let credentialsPath = environment.credentialsFilePath
        let configPath = environment.configFilePath
        let files: [(String, SharedConfigFile?)]
        do {
            files = [
                (credentialsPath, try SharedConfigFile.load(path: credentialsPath, kind: .credentials)),
                (configPath, try SharedConfigFile.load(path: configPath, kind: .config)),
            ]
        } catch {
            throw CredentialProviderError(provider: provider, message: "cannot read the shared files: \(error)")
        }
        var settings: [String: String] = [:]
        var foundIn: [String] = []
        for (path, file) in files {
            guard let section = file?.profile(profileName) else { continue }
            foundIn.append(path)
            settings.merge(section) { existing, _ in existing }
        }
        guard !foundIn.isEmpty else {
            throw CredentialProviderError(
                provider: provider,
                message: "no profile '\(profileName)' in \(credentialsPath) or \(configPath)",
                notConfigured: true
            )
        }
        let accessKey = settings["aws_access_key_id"].flatMap { $0.isEmpty ? nil : $0 }
        let secretKey = settings["aws_secret_access_key"].flatMap { $0.isEmpty ? nil : $0 }
        if let accessKey, let secretKey {
            let token = settings["aws_session_token"].flatMap { $0.isEmpty ? nil : $0 }
            return AWSCredentials(accessKeyId: accessKey, secretAccessKey: secretKey, sessionToken: token)
        }
        let where_ = foundIn.joined(separator: " and ")
        for key in ["role_arn", "credential_process", "sso_session", "sso_start_url", "web_identity_token_file"]
        where settings[key] != nil {
            throw CredentialProviderError(
                provider: provider,
                message: "profile '\(profileName)' in \(where_) uses \(key), which Sluice does not support; "
                    + "give aws_access_key_id and aws_secret_access_key, or use environment, container or "
                    + "instance credentials"
            )
        }
        let missing = accessKey == nil ? "aws_access_key_id" : "aws_secret_access_key"
        throw CredentialProviderError(
            provider: provider,
            message: "profile '\(profileName)' in \(where_) has no \(missing)",
            notConfigured: accessKey == nil && secretKey == nil
        )
    }
}
