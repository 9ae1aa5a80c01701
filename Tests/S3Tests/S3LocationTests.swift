import Testing

@testable import S3

/// `s3://bucket/key` parsing and its errors.
@Suite struct S3LocationTests {
    @Test func parsesFilesPrefixesAndTheRoot() throws {
        let file = try S3Location(parsing: "s3://my-data/sales/2024 q1.csv")
        #expect(file.bucket == "my-data")
        #expect(file.key == "sales/2024 q1.csv")
        #expect(!file.isPrefix)
        #expect(file.description == "s3://my-data/sales/2024 q1.csv")

        let withSlash = try S3Location(parsing: "s3://my-data/output/tmp/sales/")
        let withoutSlash = try S3Location(parsing: "s3://my-data/output/tmp/sales")
        #expect(withSlash.prefix == "output/tmp/sales/")
        #expect(withoutSlash.prefix == "output/tmp/sales/")
        #expect(withSlash.isPrefix)
        #expect(
            withoutSlash.appending("part-0.parquet")
                == S3Location(bucket: "my-data", key: "output/tmp/sales/part-0.parquet")
        )

        let root = try S3Location(parsing: "s3://my.data.bucket")
        #expect(root.key == "" && root.prefix == "" && root.isPrefix)
        #expect(try S3Location(parsing: "S3://abc/").key == "")
        #expect(S3Location.isS3URL("s3://x/y") && S3Location.isS3URL("S3://x") && !S3Location.isS3URL("/tmp/s3://x"))
    }

    @Test(arguments: [
        ("http://bucket/key", "malformed S3 URL 'http://bucket/key': the scheme is 'http', expected s3://bucket/key"),
        ("s3:/bucket/key", "malformed S3 URL 's3:/bucket/key': expected s3://bucket/key"),
        ("bucket/key", "malformed S3 URL 'bucket/key': expected s3://bucket/key"),
        ("s3:///key", "malformed S3 URL 's3:///key': no bucket name after s3://"),
        ("s3://", "malformed S3 URL 's3://': no bucket name after s3://"),
        (
            "s3://My_Bucket/key",
            "malformed S3 URL 's3://My_Bucket/key': bad bucket name 'My_Bucket': 'M' is not allowed "
                + "(only lower-case letters, digits, '.' and '-')"
        ),
        ("s3://ab/key", "malformed S3 URL 's3://ab/key': bad bucket name 'ab': it must be 3 to 63 characters long"),
        (
            "s3://-abc/key",
            "malformed S3 URL 's3://-abc/key': bad bucket name '-abc': it must begin and end with a letter or digit"
        ),
        ("s3://a..b/key", "malformed S3 URL 's3://a..b/key': bad bucket name 'a..b': it must not contain '..'"),
        (
            "s3://192.168.1.1/key",
            "malformed S3 URL 's3://192.168.1.1/key': bad bucket name '192.168.1.1': it must not be shaped like an IP address"
        ),
    ])
    func malformedURLsAreNamed(url: String, message: String) {
        let error = #expect(throws: S3LocationError.self) { try S3Location(parsing: url) }
        #expect(error?.description == message)
        #expect(error?.url == url)
    }
}
