import Foundation

/// moto's server (S3 and every other service it mocks) on a free 127.0.0.1 port, started by the test; see
/// ``LoopbackServerProcess`` for how its lifetime is bounded.
///
///     let moto = try await MotoS3Server.start()              // or MotoS3Server(partMinimumSize: 1024)
///     try moto.createBucket("data")
///     let environment = moto.clientEnvironment()               // AWS_ENDPOINT_URL_S3 etc. for a client
///
/// moto refuses multipart parts under 5 MiB (`EntityTooSmall`) unless `partMinimumSize` sets
/// `S3_UPLOAD_PART_MIN_SIZE`. `MOTO_PORT` is set inside moto to its port (its Step Functions interpreter calls
/// S3 there).
public final class MotoS3Server: Sendable {
    /// The process.
    public let server: LoopbackServerProcess
    /// The region the client environment names.
    public let region: String
    /// With `verifySignatures`, the key of an IAM user allowed everything (moto then checks every signature);
    /// else `testing`/`testing`.
    public let credentials: (keyId: String, secret: String)

    /// The port it listens on.
    public var port: Int { server.port }
    /// `http://127.0.0.1:<port>`.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Starts moto (blocking until it listens). `verifySignatures` makes moto check every SigV4 signature (with
    /// ``credentials``); `environment` is added to moto's; `lifetime` bounds it in seconds.
    public init(
        partMinimumSize: Int? = nil,
        verifySignatures: Bool = false,
        environment: [String: String] = [:],
        region: String = "us-east-1",
        lifetime: Double = 600
    ) throws {
        var variables = environment
        if let partMinimumSize { variables["S3_UPLOAD_PART_MIN_SIZE"] = String(partMinimumSize) }
        if verifySignatures { variables["INITIAL_NO_AUTH_ACTION_COUNT"] = "0" }
        var removed = partMinimumSize == nil ? ["S3_UPLOAD_PART_MIN_SIZE"] : []
        if !verifySignatures, environment["INITIAL_NO_AUTH_ACTION_COUNT"] == nil {
            removed.append("INITIAL_NO_AUTH_ACTION_COUNT")
        }
        self.region = region
        server = try LoopbackServerProcess(
            Python.executable,
            ["-c", Self.script, String(lifetime)],
            environment: variables,
            removing: removed,
            label: "moto-s3"
        )
        let announced = server.announcements.lazy.map { $0.split(separator: " ").map(String.init) }
            .first { $0.count == 3 && $0[0] == "CREDENTIALS" }
        credentials = announced.map { (keyId: $0[1], secret: $0[2]) } ?? (keyId: "testing", secret: "testing")
    }

    /// Starts moto without blocking the cooperative pool.
    public static func start(
        partMinimumSize: Int? = nil,
        verifySignatures: Bool = false,
        environment: [String: String] = [:],
        region: String = "us-east-1",
        lifetime: Double = 600
    ) async throws -> MotoS3Server {
        try await offPool {
            try MotoS3Server(
                partMinimumSize: partMinimumSize,
                verifySignatures: verifySignatures,
                environment: environment,
                region: region,
                lifetime: lifetime
            )
        }
    }

    /// Environment variables that point an AWS client at this server (or at `endpoint`, e.g. a fault proxy in
    /// front of it): S3 endpoint, region, test keys, no IMDS and no shared files.
    public func clientEnvironment(endpoint: String? = nil) -> [String: String] {
        [
            "AWS_ENDPOINT_URL_S3": endpoint ?? self.endpoint,
            "AWS_REGION": region,
            "AWS_ACCESS_KEY_ID": credentials.keyId,
            "AWS_SECRET_ACCESS_KEY": credentials.secret,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": "/nonexistent/config",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
        ]
    }

    /// Variables a client under test must not inherit from the test process.
    public static let removedVariables = [
        "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION", "AWS_S3_FORCE_PATH_STYLE",
    ]

    /// The test process's environment with ``clientEnvironment(endpoint:)`` applied and ``removedVariables``
    /// removed, for an `AWSEnvironment` or a child process.
    public func processEnvironment(endpoint: String? = nil) -> [String: String] {
        var variables = ProcessInfo.processInfo.environment.merging(clientEnvironment(endpoint: endpoint)) { $1 }
        for name in Self.removedVariables { variables.removeValue(forKey: name) }
        return variables
    }

    /// Creates `bucket` (through boto3, so it works when moto checks signatures too).
    public func createBucket(_ bucket: String) throws {
        try Python.run(
            """
            import sys, boto3
            s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1",
                              aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
            s3.create_bucket(Bucket=sys.argv[4])
            """,
            [endpoint, credentials.keyId, credentials.secret, bucket]
        )
    }

    /// Kills moto.
    public func stop() { server.stop() }

    static let script = #"""
        import logging, os, sys, threading
        def watch_stdin():
            sys.stdin.read()
            os._exit(0)
        threading.Thread(target=watch_stdin, daemon=True).start()
        timer = threading.Timer(float(sys.argv[1]), lambda: os._exit(0))
        timer.daemon = True
        timer.start()
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        from moto.moto_server.threaded_moto_server import ThreadedMotoServer
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        port = server.get_host_and_port()[1]
        os.environ["MOTO_PORT"] = str(port)
        if "INITIAL_NO_AUTH_ACTION_COUNT" in os.environ:
            from moto.core import DEFAULT_ACCOUNT_ID
            from moto.iam.models import iam_backends
            iam = iam_backends[DEFAULT_ACCOUNT_ID]["global"]
            iam.create_user(region_name="us-east-1", user_name="sluice-test")
            key = iam.create_access_key("sluice-test")
            policy = iam.create_policy(
                description="", path="/", policy_name="everything", tags={},
                policy_document='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}')
            iam.attach_user_policy(policy.arn, "sluice-test")
            print(f"CREDENTIALS {key.access_key_id} {key.secret_access_key}", flush=True)
        print(f"READY {port}", flush=True)
        threading.Event().wait()
        """#
}
