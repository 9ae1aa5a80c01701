import AWS
import Foundation
import Testing

@testable import StepFunctions

@Suite struct StepFunctionsErrorTests {
    @Test(arguments: [
        ("TaskTimedOut", "TaskTimedOut"),
        ("com.amazonaws.sfn#TaskTimedOut", "TaskTimedOut"),
        ("com.amazonaws.sfn#InvalidToken:http://internal.amazon.com/coral/com.amazonaws.sfn/", "InvalidToken"),
        ("ThrottlingException:", "ThrottlingException"),
        ("", ""),
    ])
    func typeIsStripped(_ raw: String, _ expected: String) {
        #expect(StepFunctionsError.stripType(raw) == expected)
    }

    @Test func qualifiedTypeInJSONBody() {
        let body = #"{"__type": "com.amazonaws.sfn#TaskTimedOut", "message": "Task Timed Out: 'abc'"}"#
        let error = StepFunctionsError.parse(
            status: 400,
            body: Array(body.utf8),
            errorTypeHeader: nil,
            operation: "SendTaskSuccess"
        )
        #expect(error.code == .taskTimedOut)
        #expect(error.code.isTaskGone)
        #expect(!error.code.isRetryable)
        #expect(error.message == "Task Timed Out: 'abc'")
        #expect(error.httpStatus == 400)
        #expect(error.operation == "SendTaskSuccess")
        #expect(error.description == "SendTaskSuccess failed: TaskTimedOut (HTTP 400): Task Timed Out: 'abc'")
    }

    @Test(arguments: [
        ("TaskDoesNotExist", StepFunctionsError.Code.taskDoesNotExist),
        ("InvalidToken", .invalidToken),
        ("ActivityDoesNotExist", .activityDoesNotExist),
        ("ActivityWorkerLimitExceeded", .activityWorkerLimitExceeded),
        ("InvalidArn", .invalidArn),
        ("InvalidOutput", .invalidOutput),
        ("ThrottlingException", .throttling),
        ("AccessDeniedException", .accessDenied),
        ("UnrecognizedClientException", .unrecognizedClient),
        ("InvalidSignatureException", .invalidSignature),
        ("ExpiredTokenException", .expiredToken),
        ("ExecutionAlreadyExists", .other("ExecutionAlreadyExists")),
    ])
    func codesMap(_ type: String, _ code: StepFunctionsError.Code) {
        let body = #"{"__type": "com.amazonaws.sfn#\#(type)", "message": "m"}"#
        let error = StepFunctionsError.parse(status: 400, body: Array(body.utf8), errorTypeHeader: nil, operation: "X")
        #expect(error.code == code)
        #expect(error.code.isRetryable == (code == .throttling))
    }

    @Test func headerTypeWhenBodyHasNone() {
        let error = StepFunctionsError.parse(
            status: 400,
            body: Array(#"{"message": "slow down"}"#.utf8),
            errorTypeHeader: "ThrottlingException:http://internal.amazon.com/",
            operation: "SendTaskHeartbeat"
        )
        #expect(error.code == .throttling)
        #expect(error.message == "slow down")
    }

    @Test func xmlErrorBody() {
        // moto's answer to a bad signature.
        let body = """
            <?xml version="1.0" encoding="utf-8"?>
            <ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we \
            calculated does not match</Message><Type>Sender</Type></Error></Errors></ErrorResponse>
            """
        let error = StepFunctionsError.parse(status: 403, body: Array(body.utf8), errorTypeHeader: nil, operation: "X")
        #expect(error.code == .invalidSignature)
        #expect(error.message == "The request signature we calculated does not match")
        #expect(error.httpStatus == 403)
    }

    @Test func serverErrorWithoutBody() {
        let error = StepFunctionsError.parse(status: 503, body: [], errorTypeHeader: nil, operation: "GetActivityTask")
        #expect(error.code == .serviceUnavailable)
        #expect(error.code.isRetryable)
        #expect(error.message == "no error body")
    }

    @Test func retryableStatusesWhateverTheType() {
        let typed = StepFunctionsError.parse(
            status: 502,
            body: Array(#"{"__type": "BadGatewayOfSomeKind", "message": "proxy"}"#.utf8),
            errorTypeHeader: nil,
            operation: "X"
        )
        #expect(typed.code == .other("BadGatewayOfSomeKind"))
        #expect(typed.isRetryable)
        let notImplemented = StepFunctionsError.parse(status: 501, body: [], errorTypeHeader: nil, operation: "X")
        #expect(notImplemented.code == .other("HTTP 501"))
        #expect(!notImplemented.isRetryable)
        let throttled = StepFunctionsError.parse(
            status: 400,
            body: Array(#"{"__type": "ThrottlingException"}"#.utf8),
            errorTypeHeader: nil,
            operation: "X"
        )
        #expect(throttled.isRetryable)
        let closed = StepFunctionsError.parse(
            status: 400,
            body: Array(#"{"__type": "TaskTimedOut"}"#.utf8),
            errorTypeHeader: nil,
            operation: "X"
        )
        #expect(!closed.isRetryable)
    }

    @Test func truncationCountsUTF16UnitsAndKeepsCharactersWhole() {
        #expect(StepFunctionsClient.truncate("abc", to: 5) == "abc")
        #expect(StepFunctionsClient.truncate("abcdef", to: 4) == "abcd")
        let emoji = String(repeating: "😀", count: 200)  // 2 UTF-16 units each
        let cut = StepFunctionsClient.truncate(emoji, to: 255)
        #expect(cut.count == 127)
        #expect(cut.utf16.count == 254)
        #expect(StepFunctionsClient.truncate("é" + emoji, to: 3) == "é😀")
    }

    @Test func unknownClientErrorWithoutType() {
        let error = StepFunctionsError.parse(
            status: 404,
            body: Array("<html>not here</html>".utf8),
            errorTypeHeader: nil,
            operation: "X"
        )
        #expect(error.code == .other("HTTP 404"))
        #expect(!error.code.isRetryable)
        #expect(error.message == "unexpected error body: <html>not here</html>")
    }

    @Test func retryPolicyBackoffIsCappedAndJittered() {
        let policy = RetryPolicy(maxAttempts: 8, baseDelay: .seconds(1), maxDelay: .seconds(20))
        let caps = (0..<7).map { policy.backoffCap(forRetry: $0) }
        #expect(caps == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(20), .seconds(20)])
        for retry in 0..<7 {
            for _ in 0..<50 {
                let delay = policy.delay(forRetry: retry)
                #expect(delay >= .zero && delay <= caps[retry])
            }
        }
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
    }
}
