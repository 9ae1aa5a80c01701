import AWS
import Foundation
import Logging
import TestSupport
import Testing

@testable import S3

/// Addressing, configuration and the reading of answers moto does not give (redirects, per-key delete errors,
/// paginated upload listings, 200s carrying errors), against a scripted server.
@Suite(.timeLimit(.minutes(2)), .tags(.pythonPeers), .needsPythonPeers) struct S3ClientUnitTests {
    static func client(_ endpoint: String, forcePathStyle: Bool = false) -> S3Client {
        S3Client(
            configuration: S3Client.Configuration(
                region: "us-east-1",
                endpoint: URL(string: endpoint)!,
                forcePathStyle: forcePathStyle
            ),
            credentialProvider: StaticCredentialProvider(
                AWSCredentials(accessKeyId: "AKID", secretAccessKey: "SECRET")
            ),
            logger: Logger(label: "test")
        )
    }

    @Test func pathStyleForIPsLocalhostDottedBucketsAndWhenForced() async throws {
        let aws = Self.client("https://s3.eu-west-1.amazonaws.com")
        let local = Self.client("http://127.0.0.1:9000")
        let localhost = Self.client("http://localhost:4566")
        let forced = Self.client("https://minio.example.com", forcePathStyle: true)
        let ipv6 = Self.client("http://[::1]:9000")
        #expect(!aws.usesPathStyle(bucket: "my-data"))
        #expect(aws.usesPathStyle(bucket: "my.data"))
        #expect(local.usesPathStyle(bucket: "my-data"))
        #expect(localhost.usesPathStyle(bucket: "my-data"))
        #expect(forced.usesPathStyle(bucket: "my-data"))
        #expect(ipv6.usesPathStyle(bucket: "my-data"))

        let virtual = aws.address(bucket: "my-data", key: "a b/c+d.csv")
        #expect(virtual.url == "https://my-data.s3.eu-west-1.amazonaws.com/a%20b/c%2Bd.csv")
        #expect(virtual.host == "my-data.s3.eu-west-1.amazonaws.com")
        #expect(virtual.path == "/a%20b/c%2Bd.csv")
        #expect(aws.address(bucket: "my-data", key: nil).path == "/")
        let path = local.address(bucket: "my-data", key: "x/y.csv")
        #expect(path.url == "http://127.0.0.1:9000/my-data/x/y.csv")
        #expect(path.host == "127.0.0.1:9000")
        #expect(local.address(bucket: "my-data", key: nil).path == "/my-data")
        #expect(
            S3Client.queryString([("list-type", "2"), ("prefix", "a b/"), ("uploads", "")])
                == "list-type=2&prefix=a%20b%2F&uploads"
        )
        for client in [aws, local, localhost, forced, ipv6] { try await client.shutdown() }
    }

    @Test func configurationFromTheEnvironment() throws {
        let home = try Paths.temporaryDirectory("s3-home").path
        let plain = try S3Client.Configuration.resolve(
            environment: AWSEnvironment(variables: ["AWS_REGION": "eu-west-2"], homeDirectory: home)
        )
        #expect(plain.endpoint.absoluteString == "https://s3.eu-west-2.amazonaws.com")
        #expect(!plain.forcePathStyle)
        let overridden = try S3Client.Configuration.resolve(
            environment: AWSEnvironment(
                variables: [
                    "AWS_DEFAULT_REGION": "us-west-2", "AWS_ENDPOINT_URL": "http://other:1",
                    "AWS_ENDPOINT_URL_S3": "http://minio:9000", "AWS_S3_FORCE_PATH_STYLE": "true",
                ],
                homeDirectory: home
            )
        )
        #expect(overridden.region == "us-west-2")
        #expect(overridden.endpoint.absoluteString == "http://minio:9000")
        #expect(overridden.forcePathStyle)
        let error = #expect(throws: CredentialProviderError.self) {
            try S3Client.Configuration.resolve(environment: AWSEnvironment(variables: [:], homeDirectory: home))
        }
        #expect(error?.message.hasPrefix("no AWS region") == true)
    }

    @Test func permanentRedirectNamesTheBucketsRegion() async throws {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed \
            using the specified endpoint.</Message><Endpoint>b.s3.eu-west-2.amazonaws.com</Endpoint>\
            <RequestId>REQ1</RequestId></Error>
            """
        let server = try await ScriptedServer.start(routes: [
            "GET /elsewhere/k": [.init(status: 301, body: body, headers: ["x-amz-bucket-region": "eu-west-2"])],
            "HEAD /elsewhere/k": [.init(status: 301, headers: ["x-amz-bucket-region": "eu-west-2"])],
        ])
        defer { server.stop() }
        try await S3Peers.withClient(endpoint: server.baseURL) { s3 in
            let get = await #expect(throws: S3Error.self) { try await s3.getObject(bucket: "elsewhere", key: "k") }
            #expect(get?.code == .permanentRedirect)
            #expect(get?.bucketRegion == "eu-west-2")
            #expect(get?.requestId == "REQ1")
            #expect(get?.attempts == 1)
            #expect(
                get?.description
                    == "S3 GetObject s3://elsewhere/k: PermanentRedirect: the bucket is in region eu-west-2: "
                    + "set AWS_REGION=eu-west-2 (or point the endpoint at that region)"
            )
            let head = await #expect(throws: S3Error.self) { try await s3.headObject(bucket: "elsewhere", key: "k") }
            #expect(head?.code == .permanentRedirect)
            #expect(head?.bucketRegion == "eu-west-2")
        }
    }

    @Test func headErrorsWithoutBodiesAreMappedByStatus() async throws {
        let server = try await ScriptedServer.start(routes: [
            "HEAD /b-1/forbidden": [.init(status: 403)],
            "HEAD /b-1/gone": [.init(status: 404)],
        ])
        defer { server.stop() }
        try await S3Peers.withClient(endpoint: server.baseURL) { s3 in
            let forbidden = await #expect(throws: S3Error.self) {
                try await s3.headObject(bucket: "b-1", key: "forbidden")
            }
            #expect(forbidden?.description == "S3 HeadObject s3://b-1/forbidden: AccessDenied: Access Denied")
            let gone = await #expect(throws: S3Error.self) { try await s3.headObject(bucket: "b-1", key: "gone") }
            #expect(gone?.code == .noSuchKey)
        }
    }

    @Test func deleteObjectsReportsEveryKeyItCouldNotDelete() async throws {
        let answer = """
            <?xml version="1.0" encoding="UTF-8"?>
            <DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
            <Error><Key>locked/a.parquet</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>
            <Error><Key>locked/b &amp; c.parquet</Key><Code>InternalError</Code><Message>Try again</Message></Error>
            </DeleteResult>
            """
        let server = try await ScriptedServer.start(routes: ["POST /bkt?delete": [.init(status: 200, body: answer)]])
        defer { server.stop() }
        try await S3Peers.withClient(endpoint: server.baseURL) { s3 in
            let error = await #expect(throws: S3Error.self) {
                try await s3.deleteObjects(bucket: "bkt", keys: ["ok", "locked/a.parquet", "locked/b & c.parquet"])
            }
            #expect(error?.keyFailures.map(\.key) == ["locked/a.parquet", "locked/b & c.parquet"])
            #expect(error?.keyFailures.map(\.code) == [.accessDenied, .internalError])
            #expect(
                error?.description
                    == "S3 DeleteObjects s3://bkt: AccessDenied: 2 of 3 keys were not deleted; the first, "
                    + "locked/a.parquet: AccessDenied: Access Denied"
            )
        }
        let request = try #require(try server.requests().first)
        let md5 = try #require(request.headers["content-md5"])
        let expected = try Python.run(
            "import base64, hashlib, sys; print(base64.b64encode(hashlib.md5(sys.argv[1].encode()).digest()).decode())",
            [request.body]
        )
        #expect(md5 == expected.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(request.body.contains("<Key>locked/b &amp; c.parquet</Key>"))
        #expect(request.headers["x-amz-content-sha256"]?.count == 64)
    }

    @Test func uploadListingsFollowEveryPage() async throws {
        func page(_ uploads: [(String, String)], next: (String, String)?) -> String {
            var xml = #"<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult>"#
            xml += "<IsTruncated>\(next != nil)</IsTruncated>"
            if let next {
                xml += "<NextKeyMarker>\(next.0)</NextKeyMarker><NextUploadIdMarker>\(next.1)</NextUploadIdMarker>"
            }
            for (key, id) in uploads {
                xml +=
                    "<Upload><Key>\(key)</Key><UploadId>\(id)</UploadId><Initiated>2024-05-01T12:00:00.000Z</Initiated></Upload>"
            }
            return xml + "</ListMultipartUploadsResult>"
        }
        let server = try await ScriptedServer.start(routes: [
            "GET /bkt?uploads&prefix=p%2F": [
                .init(status: 200, body: page([("p/a", "1"), ("p/b", "2")], next: ("p/b", "2")))
            ],
            "GET /bkt?uploads&prefix=p%2F&key-marker=p%2Fb&upload-id-marker=2": [
                .init(status: 200, body: page([("p/c", "3")], next: nil))
            ],
        ])
        defer { server.stop() }
        let uploads = try await S3Peers.withClient(endpoint: server.baseURL) { s3 in
            try await s3.listMultipartUploads(bucket: "bkt", prefix: "p/")
        }
        #expect(uploads.map(\.uploadId) == ["1", "2", "3"])
        #expect(uploads.first?.initiated == Date(timeIntervalSince1970: 1_714_564_800))
        let paths = try server.requests().map(\.path)
        #expect(paths == ["/bkt?uploads&prefix=p%2F", "/bkt?uploads&prefix=p%2F&key-marker=p%2Fb&upload-id-marker=2"])
    }

    @Test func anErrorInsideA200IsAnErrorAndIsRetried() async throws {
        let error = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>
            """
        let done = """
            <?xml version="1.0" encoding="UTF-8"?>
            <CompleteMultipartUploadResult><ETag>"abc-2"</ETag></CompleteMultipartUploadResult>
            """
        let server = try await ScriptedServer.start(routes: [
            "*": [.init(status: 200, body: error), .init(status: 200, body: done)]
        ])
        defer { server.stop() }
        let eTag = try await S3Peers.withClient(endpoint: server.baseURL) { s3 in
            try await s3.completeMultipartUpload(
                bucket: "bkt",
                key: "k",
                uploadId: "u1",
                parts: [S3CompletedPart(partNumber: 1, eTag: "\"x\""), S3CompletedPart(partNumber: 2, eTag: "\"y\"")]
            )
        }
        #expect(eTag == "\"abc-2\"")
        let requests = try server.requests()
        #expect(requests.count == 2)
        #expect(
            requests.first?.body.contains("<Part><PartNumber>1</PartNumber><ETag>&quot;x&quot;</ETag></Part>") == true
        )
    }

    @Test func secretsNeverReachErrors() async throws {
        let server = try await ScriptedServer.start(routes: [
            "*": [
                .init(
                    status: 403,
                    body: "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated "
                        + "does not match the signature you provided.</Message><StringToSign>AWS4-HMAC-SHA256 x"
                        + "</StringToSign></Error>"
                )
            ]
        ])
        defer { server.stop() }
        try await S3Peers.withClient(endpoint: server.baseURL, credentials: ("AKIDX", "TOP-SECRET-KEY")) { s3 in
            let error = await #expect(throws: S3Error.self) { try await s3.getObject(bucket: "bkt", key: "k") }
            #expect(error?.code == .signatureDoesNotMatch)
            #expect(error.map { "\($0) \(String(reflecting: $0))" }?.contains("TOP-SECRET") == false)
            #expect(error?.description.contains("StringToSign") == false)
        }
    }
}
