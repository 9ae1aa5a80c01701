import Foundation
import Testing

@testable import Runner

/// The Athena runner's task input and reports.
@Suite struct AthenaQueryRequestTests {
    /// The seed's test state machine's Pass state sends its `Result` string: the task input is a JSON string.
    static let seedInput =
        #""{ \"AthenaQueryString\" : \"SELECT * FROM marketing_qs limit 10;\", \"AthenaDatabase\": \"marketingandsales_qs\", \"AthenaResultOutputLocation\": \"s3://b/athena-runner-output/\", \"AthenaResultEncryptionOption\": \"SSE_S3\"}""#

    @Test func theSeedsStringResultParses() throws {
        let request = try AthenaQueryRequest(taskInput: Self.seedInput)
        #expect(
            request
                == AthenaQueryRequest(
                    queryString: "SELECT * FROM marketing_qs limit 10;",
                    database: "marketingandsales_qs",
                    outputLocation: "s3://b/athena-runner-output/",
                    encryptionOption: "SSE_S3"
                )
        )
    }

    @Test func aNamedQueryTakesThePlaceOfTheText() throws {
        let request = try AthenaQueryRequest(
            taskInput: #"{"AthenaNamedQuery": "days", "AthenaResultOutputLocation": "out", "Other": 1}"#
        )
        #expect(request.namedQuery == "days" && request.queryString == nil && request.database == nil)
    }

    @Test(
        arguments: [
            (#"{"AthenaQueryString": "SELECT 1"}"#, #""AthenaResultOutputLocation" is required"#),
            (#"{"AthenaResultOutputLocation": "o"}"#, #""AthenaQueryString" is required"#),
            (
                #"{"AthenaQueryString": "SELECT 1", "AthenaNamedQuery": "n", "AthenaResultOutputLocation": "o"}"#,
                #"give "AthenaQueryString" or "AthenaNamedQuery", not both"#
            ),
            (
                #"{"AthenaQueryString": " ", "AthenaResultOutputLocation": "o"}"#,
                #""AthenaQueryString" must be a non-empty string"#
            ),
            (
                #"{"AthenaQueryString": 3, "AthenaResultOutputLocation": "o"}"#,
                #""AthenaQueryString" must be a non-empty string"#
            ),
            (
                #"{"AthenaQueryString": "SELECT 1", "AthenaResultOutputLocation": "o", "AthenaResultEncryptionOption": "AES"}"#,
                #""AthenaResultEncryptionOption" must be SSE_S3, SSE_KMS or CSE_KMS, not "AES""#
            ),
            (
                #"{"AthenaQueryStrng": "SELECT 1", "AthenaResultOutputLocation": "o"}"#,
                #"unknown key "AthenaQueryStrng""#
            ),
            (#"[1]"#, "expected a JSON object, got an array"),
            (#"{"AthenaQueryString": "#, "not JSON"),
        ]
    )
    func badInputsNameTheirFault(input: String, fragment: String) {
        #expect {
            try AthenaQueryRequest(taskInput: input)
        } throws: { error in
            "\(error)".contains(fragment) && "\(error)".hasPrefix("malformed task input: ")
        }
    }

    @Test func theQueryExecutionIdIsTheRunIdAsAUUID() {
        let runId = "jr_0123456789abcdef0123456789abcdef"
        #expect(AthenaQueryRequest.queryExecutionId(runId: runId) == "01234567-89ab-cdef-0123-456789abcdef")
        #expect(AthenaQueryRequest.queryExecutionId(runId: JobRun.newRunId()).count == 36)
    }

    static let submitted = Date(timeIntervalSince1970: 1_765_090_800)  // 2025-12-07 07:00:00 UTC

    @Test func theSuccessOutputHasTheSeedRunnersKeys() throws {
        let outcome = QueryOutcome(
            queryExecutionId: "01234567-89ab-cdef-0123-456789abcdef",
            queryString: "SELECT 1",
            database: "marketingandsales_qs",
            resultLocation: "s3://b/out/01234567-89ab-cdef-0123-456789abcdef.csv",
            rows: 1,
            bytesScanned: 1234,
            encryptionOption: "SSE_S3",
            submittedAt: Self.submitted,
            completedAt: Self.submitted.addingTimeInterval(13 * 3600 + 5 * 60 + 0.25)
        )
        let object = try #require(
            try JSONSerialization.jsonObject(
                with: Data(TaskReport.athenaSuccessOutput(runId: "jr_x", outcome: outcome).utf8)
            ) as? [String: Any]
        )
        #expect(object["AthenaQueryExecutionState"] as? String == "SUCCEEDED")
        #expect(object["AthenaQuerySubmissionDateTime"] as? String == "12/07/25, 7:00 AM UTC")
        #expect(object["AthenaQueryCompletionDateTime"] as? String == "12/07/25, 8:05 PM UTC")
        #expect(object["AthenaQueryEngineExecutionTimeInMillis"] as? Int == 47_100_250)
        #expect(object["AthenaQueryDataScannedInBytes"] as? Int == 1234)
        #expect(object["AthenaQueryResultRowCount"] as? Int == 1)
        #expect(object["submittedOn"] as? String == "2025-12-07T07:00:00.000Z")
        #expect(object["runId"] as? String == "jr_x")
    }

    @Test func aLongFailureMessageIsCutSoThatTheCauseFitsTheAPIsLimit() throws {
        let cause = TaskReport.athenaFailureCause(
            runId: "jr_x",
            queryExecutionId: "id",
            queryString: "SELECT \"",
            submittedAt: Self.submitted,
            failedAt: Self.submitted,
            message: String(repeating: "\"é", count: 40_000)
        )
        #expect(cause.unicodeScalars.count <= TaskReport.maxCauseLength)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(cause.utf8)) as? [String: Any])
        #expect(object["AthenaQueryExecutionState"] as? String == "FAILED")
        #expect((object["message"] as? String)?.hasSuffix("…") == true)
        #expect(object["AthenaQueryString"] as? String == "SELECT \"")
    }
}
