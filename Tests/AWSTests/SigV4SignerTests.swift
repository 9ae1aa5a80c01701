import Foundation
import Testing

@testable import AWS

@Suite struct SigV4SignerTests {
    static let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

    @Test func suiteDateFormatsAsAmzDate() {
        #expect(SigV4Signer.amzDate(Self.date) == "20150830T123600Z")
        #expect(SigV4Signer.amzDate(Date(timeIntervalSince1970: 0)) == "19700101T000000Z")
        #expect(SigV4Signer.amzDate(Date(timeIntervalSince1970: 951_782_399)) == "20000228T235959Z")
        #expect(SigV4Signer.amzDate(Date(timeIntervalSince1970: 951_868_800)) == "20000301T000000Z")
    }

    @Test func vectorCount() {
        #expect(sigV4TestVectors.count >= 30)
    }

    @Test(arguments: sigV4TestVectors)
    func awsTestSuite(_ vector: SigV4TestVector) {
        let options = SigV4Signer.Options(
            normalizePath: vector.normalize,
            encodePath: true,
            addContentSHA256Header: vector.signBody,
            signSecurityToken: !vector.omitSessionToken
        )
        let signer = SigV4Signer(region: "us-east-1", service: "service", options: options)
        let credentials = AWSCredentials(
            accessKeyId: "AKIDEXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: vector.sessionToken
        )
        let request = SigV4Signer.Request(
            method: vector.method,
            path: vector.path,
            query: vector.query,
            headers: vector.headers,
            body: Array(vector.body.utf8)
        )
        let result = signer.sign(request, credentials: credentials, date: Self.date)
        #expect(result.canonicalRequest == vector.canonicalRequest)
        #expect(result.stringToSign == vector.stringToSign)
        #expect(result.signature == vector.signature)
        let signedHeaders = vector.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().last.map(String.init)
        #expect(
            result.authorization
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=\(signedHeaders ?? "?"), Signature=\(vector.signature)"
        )
        #expect(result.amzDate == "20150830T123600Z")
        #expect(result.securityToken == vector.sessionToken)
        let names = result.headers.map { $0.name }
        #expect(names.contains("X-Amz-Date") && names.contains("Authorization"))
        #expect(names.contains("X-Amz-Security-Token") == (vector.sessionToken != nil))
    }

    @Test func signingKeyMatchesTheDocumentedDerivation() {
        // AWS's documented example: secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830, us-east-1, iam.
        let signer = SigV4Signer(region: "us-east-1", service: "iam")
        let key = signer.signingKey(secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", day: "20150830")
        let hex = key.withUnsafeBytes { SigV4Signer.hex(Array($0)) }
        #expect(hex == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
    }

    @Test func s3OptionsKeepThePathAndSignThePayloadHash() {
        let signer = SigV4Signer(region: "us-east-1", service: "s3", options: .s3)
        let request = SigV4Signer.Request(
            method: "GET",
            path: "/bucket//a/../key%20x",
            headers: [("Host", "s3.amazonaws.com")]
        )
        let credentials = AWSCredentials(accessKeyId: "AKID", secretAccessKey: "secret")
        let result = signer.sign(request, credentials: credentials, date: Self.date)
        let lines = result.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[1] == "/bucket//a/../key%20x")
        #expect(result.contentSHA256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(result.signedHeaders == "host;x-amz-content-sha256;x-amz-date")
    }

    @Test func nonS3PathSegmentsAreEncodedAgain() {
        let signer = SigV4Signer(region: "us-east-1", service: "states")
        #expect(signer.canonicalPath("/a%20b/c") == "/a%2520b/c")
        #expect(signer.canonicalPath("") == "/")
        #expect(signer.canonicalPath("/") == "/")
    }

    @Test func headerValuesAreTrimmedAndCollapsed() {
        #expect(SigV4Signer.collapseWhitespace("  a \t b\n  c  ") == "a b c")
        #expect(SigV4Signer.collapseWhitespace("") == "")
    }

    @Test func descriptionRedactsSecrets() {
        let credentials = AWSCredentials(
            accessKeyId: "AKIDEXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: "TOKEN-SECRET-VALUE"
        )
        for text in ["\(credentials)", String(reflecting: credentials), credentials.debugDescription] {
            #expect(text.contains("AKIDEXAMPLE"))
            #expect(!text.contains("wJalrXUtnFEMI"))
            #expect(!text.contains("TOKEN-SECRET-VALUE"))
        }
    }
}
