/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optionally `AWS_SESSION_TOKEN`
/// (`AWS_SECRET_KEY`/`AWS_ACCESS_KEY` are accepted too, as by the Java SDK).
public struct EnvironmentCredentialProvider: AWSCredentialProvider {
    /// The environment read.
    public var environment: AWSEnvironment

    /// Creates a provider reading `environment`.
    public init(environment: AWSEnvironment = AWSEnvironment()) { self.environment = environment }

    public func credentials() async throws -> AWSCredentials { try resolve() }

    /// The credentials, synchronously.
    public func resolve() throws -> AWSCredentials {
        let accessKey = environment["AWS_ACCESS_KEY_ID"] ?? environment["AWS_ACCESS_KEY"]
        let secretKey = environment["AWS_SECRET_ACCESS_KEY"] ?? environment["AWS_SECRET_KEY"]
        switch (accessKey, secretKey) {
        case (let accessKey?, let secretKey?):
            return AWSCredentials(
                accessKeyId: accessKey,
                secretAccessKey: secretKey,
                sessionToken: environment["AWS_SESSION_TOKEN"]
            )
        case (nil, nil):
            throw CredentialProviderError(
                provider: "environment",
                message: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
                notConfigured: true
            )
        case (nil, _):
            throw CredentialProviderError(
                provider: "environment",
                message: "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"
            )
        case (_, nil):
            throw CredentialProviderError(
                provider: "environment",
                message: "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
            )
        }
    }
}
