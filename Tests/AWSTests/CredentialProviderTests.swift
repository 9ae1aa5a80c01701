import AsyncHTTPClient
import Foundation
import Logging
import TestSupport
import Testing

@testable import AWS

/// Environment, shared-file, container and IMDS providers and the chain. Every HTTP peer is a scripted server
/// on 127.0.0.1; IMDS is always either disabled or pointed at loopback.
@Suite(.tags(.pythonPeers), .needsPythonPeers) struct CredentialProviderTests {
    /// An environment with a private, empty home directory, so the real `~/.aws` is never read.
    static func environment(_ variables: [String: String] = [:]) throws -> (AWSEnvironment, URL) {
        let home = try Paths.temporaryDirectory("sfn-home")
        return (AWSEnvironment(variables: variables, homeDirectory: home.path), home)
    }

    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    static func withHTTPClient<T>(_ body: (HTTPClient) async throws -> T) async throws -> T {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try await client.shutdown()
            throw error
        }
    }

    // MARK: Environment

    @Test func environmentVariables() throws {
        let (environment, _) = try Self.environment([
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "secret-env", "AWS_SESSION_TOKEN": "token-env",
        ])
        let credentials = try EnvironmentCredentialProvider(environment: environment).resolve()
        #expect(
            credentials
                == AWSCredentials(accessKeyId: "AKIDENV", secretAccessKey: "secret-env", sessionToken: "token-env")
        )
    }

    @Test func environmentVariablesMissingOrPartial() throws {
        let (empty, _) = try Self.environment()
        let none = #expect(throws: CredentialProviderError.self) {
            try EnvironmentCredentialProvider(environment: empty).resolve()
        }
        #expect(none?.notConfigured == true)
        let (partial, _) = try Self.environment(["AWS_ACCESS_KEY_ID": "AKIDENV"])
        let error = #expect(throws: CredentialProviderError.self) {
            try EnvironmentCredentialProvider(environment: partial).resolve()
        }
        #expect(error?.message == "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
        #expect(error?.notConfigured == false)
    }

    // MARK: Shared files

    @Test func defaultProfileFromTheCredentialsFile() throws {
        let (environment, home) = try Self.environment()
        try Self.write(
            """
            # comment
            [default]
            aws_access_key_id = AKIDFILE
            aws_secret_access_key=secret-file ; not a comment without space?
            aws_session_token = tok-file   # trailing comment

            [other]
            aws_access_key_id = AKIDOTHER
            aws_secret_access_key = secret-other
            """,
            to: home.appendingPathComponent(".aws/credentials")
        )
        let credentials = try ProfileCredentialProvider(environment: environment).resolve()
        #expect(credentials.accessKeyId == "AKIDFILE")
        #expect(credentials.secretAccessKey == "secret-file")
        #expect(credentials.sessionToken == "tok-file")
    }

    @Test func namedProfileFromConfigAndCredentialsFiles() throws {
        let directory = try Paths.temporaryDirectory("sfn-files")
        let credentialsFile = directory.appendingPathComponent("creds.ini")
        let configFile = directory.appendingPathComponent("config.ini")
        try Self.write(
            """
            [dev]
            aws_access_key_id = AKIDDEV
            """,
            to: credentialsFile
        )
        try Self.write(
            """
            [default]
            region = us-west-2
            [profile dev]
            aws_access_key_id = AKIDIGNORED
            aws_secret_access_key = secret-dev
            region = eu-central-1
            s3 =
              max_concurrent_requests = 20
            [dev]
            aws_secret_access_key = wrong-section
            """,
            to: configFile
        )
        let (environment, _) = try Self.environment([
            "AWS_PROFILE": "dev",
            "AWS_SHARED_CREDENTIALS_FILE": credentialsFile.path,
            "AWS_CONFIG_FILE": configFile.path,
        ])
        let credentials = try ProfileCredentialProvider(environment: environment).resolve()
        // The credentials file wins per key; the config file's `[profile dev]` fills in the rest.
        #expect(credentials == AWSCredentials(accessKeyId: "AKIDDEV", secretAccessKey: "secret-dev"))
        #expect(environment.region() == "eu-central-1")
        #expect(environment.configProfile()["max_concurrent_requests"] == nil)
    }

    @Test func missingProfileAndUnsupportedProfile() throws {
        let (environment, home) = try Self.environment(["AWS_PROFILE": "nope"])
        let missing = #expect(throws: CredentialProviderError.self) {
            try ProfileCredentialProvider(environment: environment).resolve()
        }
        #expect(missing?.notConfigured == true)
        #expect(missing?.message.contains("no profile 'nope'") == true)

        try Self.write(
            """
            [profile assumer]
            role_arn = arn:aws:iam::123456789012:role/x
            source_profile = default
            """,
            to: home.appendingPathComponent(".aws/config")
        )
        let unsupported = #expect(throws: CredentialProviderError.self) {
            try ProfileCredentialProvider(environment: environment, profileName: "assumer").resolve()
        }
        #expect(unsupported?.message.contains("uses role_arn") == true)
    }

    // MARK: Region and endpoint

    @Test func regionOrder() throws {
        let (environment, home) = try Self.environment()
        #expect(environment.region() == nil)
        try Self.write("[default]\nregion = ap-south-1\n", to: home.appendingPathComponent(".aws/config"))
        #expect(environment.region() == "ap-south-1")
        var withDefault = environment
        withDefault.variables["AWS_DEFAULT_REGION"] = "eu-west-3"
        #expect(withDefault.region() == "eu-west-3")
        withDefault.variables["AWS_REGION"] = "eu-north-1"
        #expect(withDefault.region() == "eu-north-1")
    }

    @Test func endpointOrder() throws {
        var (environment, _) = try Self.environment()
        #expect(
            try environment.stepFunctionsEndpoint(region: "us-east-1").absoluteString
                == "https://states.us-east-1.amazonaws.com"
        )
        #expect(
            try environment.stepFunctionsEndpoint(region: "cn-north-1").absoluteString
                == "https://states.cn-north-1.amazonaws.com.cn"
        )
        environment.variables["AWS_ENDPOINT_URL"] = "http://127.0.0.1:4566"
        #expect(try environment.stepFunctionsEndpoint(region: "us-east-1").absoluteString == "http://127.0.0.1:4566")
        environment.variables["AWS_ENDPOINT_URL_SFN"] = "http://localhost:8083"
        #expect(try environment.stepFunctionsEndpoint(region: "us-east-1").absoluteString == "http://localhost:8083")
        environment.variables["AWS_ENDPOINT_URL_SFN"] = "not a url"
        #expect(throws: CredentialProviderError.self) { try environment.stepFunctionsEndpoint(region: "us-east-1") }
        environment.variables["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true"
        #expect(
            try environment.stepFunctionsEndpoint(region: "us-east-1").absoluteString
                == "https://states.us-east-1.amazonaws.com"
        )
    }

    @Test func endpointPerService() throws {
        var (environment, _) = try Self.environment()
        #expect(try environment.s3Endpoint(region: "eu-west-1").absoluteString == "https://s3.eu-west-1.amazonaws.com")
        environment.variables["AWS_ENDPOINT_URL"] = "http://127.0.0.1:4566"
        environment.variables["AWS_ENDPOINT_URL_SFN"] = "http://localhost:8083"
        #expect(try environment.s3Endpoint(region: "eu-west-1").absoluteString == "http://127.0.0.1:4566")
        environment.variables["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:9000"
        #expect(try environment.s3Endpoint(region: "eu-west-1").absoluteString == "http://127.0.0.1:9000")
        #expect(try environment.stepFunctionsEndpoint(region: "eu-west-1").absoluteString == "http://localhost:8083")
        #expect(
            try environment.endpoint(serviceId: "SQS", hostPrefix: "sqs", region: "eu-west-1").absoluteString
                == "http://127.0.0.1:4566"
        )
    }

    // MARK: Container

    static let credentialDocument = """
        {"AccessKeyId": "ASIACONTAINER", "SecretAccessKey": "secret-container", "Token": "token-container",
         "Expiration": "2099-01-02T03:04:05Z", "RoleArn": "arn:aws:iam::1:role/r"}
        """

    @Test func containerFullURIWithTokenFile() async throws {
        let server = try await ScriptedServer.start(routes: [
            "GET /creds": [.init(status: 200, body: Self.credentialDocument)]
        ])
        defer { server.stop() }
        let directory = try Paths.temporaryDirectory("sfn-token")
        let tokenFile = directory.appendingPathComponent("token")
        try Self.write("token-from-file\n", to: tokenFile)
        let (environment, _) = try Self.environment([
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/creds",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile.path,
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "token-from-variable",
        ])
        let credentials = try await Self.withHTTPClient {
            try await ContainerCredentialProvider(environment: environment, httpClient: $0).credentials()
        }
        #expect(credentials.accessKeyId == "ASIACONTAINER")
        #expect(credentials.secretAccessKey == "secret-container")
        #expect(credentials.sessionToken == "token-container")
        #expect(credentials.expiration == Date(timeIntervalSince1970: 4_071_006_245))
        let request = try #require(try server.requests().first)
        #expect(request.headers["authorization"] == "token-from-file")
    }

    @Test func containerRelativeURIWithTokenVariable() async throws {
        let server = try await ScriptedServer.start(routes: [
            "GET /v2/credentials/abc": [.init(status: 200, body: Self.credentialDocument)]
        ])
        defer { server.stop() }
        let (environment, _) = try Self.environment([
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "token-from-variable",
        ])
        let credentials = try await Self.withHTTPClient {
            try await ContainerCredentialProvider(
                environment: environment,
                httpClient: $0,
                relativeBaseURL: server.baseURL
            )
            .credentials()
        }
        #expect(credentials.accessKeyId == "ASIACONTAINER")
        #expect(try server.requests().first?.headers["authorization"] == "token-from-variable")
        // Without an override the relative URI goes to the ECS address (not contacted here).
        let provider = try await Self.withHTTPClient {
            ContainerCredentialProvider(environment: environment, httpClient: $0)
        }
        #expect(try provider.endpoint() == "http://169.254.170.2/v2/credentials/abc")
    }

    @Test func containerRejectsPlainHTTPToOtherHostsAndBadAnswers() async throws {
        let (remote, _) = try Self.environment(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://192.0.2.1/creds"])
        let error = await #expect(throws: CredentialProviderError.self) {
            try await Self.withHTTPClient {
                try await ContainerCredentialProvider(environment: remote, httpClient: $0).credentials()
            }
        }
        #expect(error?.message.contains("host 192.0.2.1 is neither") == true)

        let server = try await ScriptedServer.start(routes: [
            "GET /denied": [.init(status: 403, body: "no")],
            "GET /garbage": [.init(status: 200, body: #"{"AccessKeyId": "A"}"#)],
        ])
        defer { server.stop() }
        for (path, expected) in [
            ("/denied", "answered HTTP 403"), ("/garbage", "lacks AccessKeyId or SecretAccessKey"),
        ] {
            let (environment, _) = try Self.environment(["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + path])
            let error = await #expect(throws: CredentialProviderError.self) {
                try await Self.withHTTPClient {
                    try await ContainerCredentialProvider(environment: environment, httpClient: $0).credentials()
                }
            }
            #expect(error?.message.contains(expected) == true, "\(path): \(String(describing: error))")
        }
    }

    // MARK: IMDS

    @Test func instanceMetadataV2() async throws {
        let server = try await ScriptedServer.start(routes: [
            "PUT /latest/api/token": [.init(status: 200, body: "imds-session-token")],
            "GET /latest/meta-data/iam/security-credentials/": [.init(status: 200, body: "my-role\n")],
            "GET /latest/meta-data/iam/security-credentials/my-role": [
                .init(
                    status: 200,
                    body: """
                        {"Code": "Success", "LastUpdated": "2024-01-01T00:00:00Z", "Type": "AWS-HMAC",
                         "AccessKeyId": "ASIAIMDS", "SecretAccessKey": "secret-imds", "Token": "token-imds",
                         "Expiration": "2099-01-02T03:04:05.123Z"}
                        """
                )
            ],
        ])
        defer { server.stop() }
        let (environment, _) = try Self.environment(["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.baseURL + "/"])
        let credentials = try await Self.withHTTPClient {
            try await InstanceMetadataCredentialProvider(environment: environment, httpClient: $0).credentials()
        }
        #expect(credentials.accessKeyId == "ASIAIMDS")
        #expect(credentials.sessionToken == "token-imds")
        #expect(credentials.expiration != nil)
        let requests = try server.requests()
        #expect(
            requests.map { "\($0.method) \($0.path)" } == [
                "PUT /latest/api/token",
                "GET /latest/meta-data/iam/security-credentials/",
                "GET /latest/meta-data/iam/security-credentials/my-role",
            ]
        )
        #expect(requests[0].headers["x-aws-ec2-metadata-token-ttl-seconds"] == "21600")
        #expect(requests[1].headers["x-aws-ec2-metadata-token"] == "imds-session-token")
        #expect(requests[2].headers["x-aws-ec2-metadata-token"] == "imds-session-token")
    }

    @Test func instanceMetadataDisabledAndUnreachable() async throws {
        let (disabled, _) = try Self.environment(["AWS_EC2_METADATA_DISABLED": "TRUE"])
        let error = await #expect(throws: CredentialProviderError.self) {
            try await Self.withHTTPClient {
                try await InstanceMetadataCredentialProvider(environment: disabled, httpClient: $0).credentials()
            }
        }
        #expect(error?.notConfigured == true)

        let port = try await closedLoopbackPort()
        let (closed, _) = try Self.environment(["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:\(port)"])
        let unreachable = await #expect(throws: CredentialProviderError.self) {
            try await Self.withHTTPClient {
                try await InstanceMetadataCredentialProvider(environment: closed, httpClient: $0).credentials()
            }
        }
        #expect(unreachable?.message.contains("cannot get a session token from http://127.0.0.1:\(port)") == true)
    }

    // MARK: Chain

    @Test func chainOrderAndFailureReport() async throws {
        let (environment, home) = try Self.environment([
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "secret-env", "AWS_EC2_METADATA_DISABLED": "true",
        ])
        try Self.write(
            "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = secret-file\n",
            to: home.appendingPathComponent(".aws/credentials")
        )
        try await Self.withHTTPClient { httpClient in
            let logger = Logger(label: "test")
            let first = CredentialProviderChain.standard(
                environment: environment,
                httpClient: httpClient,
                logger: logger
            )
            #expect(try await first.credentials().accessKeyId == "AKIDENV")

            var fileOnly = environment
            fileOnly.variables["AWS_ACCESS_KEY_ID"] = nil
            fileOnly.variables["AWS_SECRET_ACCESS_KEY"] = nil
            let second = CredentialProviderChain.standard(environment: fileOnly, httpClient: httpClient, logger: logger)
            #expect(try await second.credentials().accessKeyId == "AKIDFILE")

            let (nothing, _) = try Self.environment(["AWS_EC2_METADATA_DISABLED": "true"])
            let third = CredentialProviderChain.standard(environment: nothing, httpClient: httpClient, logger: logger)
            let error = await #expect(throws: CredentialProviderError.self) { try await third.credentials() }
            let message = error?.message ?? ""
            #expect(message.hasPrefix("no AWS credentials found (environment: "))
            #expect(message.contains("shared files: no profile 'default'"))
            #expect(message.contains("container: "))
            #expect(message.contains("IMDS: disabled by AWS_EC2_METADATA_DISABLED"))
        }
    }

    actor CountingProvider: AWSCredentialProvider {
        var calls = 0
        let lifetime: TimeInterval
        init(lifetime: TimeInterval) { self.lifetime = lifetime }
        func credentials() async throws -> AWSCredentials {
            calls += 1
            return AWSCredentials(
                accessKeyId: "ASIA\(calls)",
                secretAccessKey: "s",
                sessionToken: "t",
                expiration: Date().addingTimeInterval(lifetime)
            )
        }
    }

    @Test func chainCachesAndRefreshesBeforeExpiry() async throws {
        let longLived = CountingProvider(lifetime: 3600)
        let chain = CredentialProviderChain(providers: [("test", longLived)], logger: Logger(label: "test"))
        #expect(try await chain.credentials().accessKeyId == "ASIA1")
        #expect(try await chain.credentials().accessKeyId == "ASIA1")
        #expect(await longLived.calls == 1)
        await chain.invalidate()
        #expect(try await chain.credentials().accessKeyId == "ASIA2")

        // Credentials within the refresh margin (5 min) are fetched again on every use.
        let shortLived = CountingProvider(lifetime: 60)
        let refreshing = CredentialProviderChain(providers: [("test", shortLived)], logger: Logger(label: "test"))
        #expect(try await refreshing.credentials().accessKeyId == "ASIA1")
        #expect(try await refreshing.credentials().accessKeyId == "ASIA2")
        #expect(await shortLived.calls == 2)
    }
}
