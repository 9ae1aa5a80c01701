import Foundation
import Testing

@testable import StepFunctions

/// The Codable request and answer bodies, without a server.
@Suite struct StepFunctionsWireTests {
    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    static func encode(_ value: some Encodable) throws -> [String: String] {
        let data = try JSONEncoder().encode(value)
        return try JSONDecoder().decode([String: String].self, from: data)
    }

    @Test func absentOptionalMembersAreLeftOutOfRequests() throws {
        #expect(
            try Self.encode(StepFunctionsRequest.StopExecution(executionArn: "arn:e", error: nil, cause: nil))
                == ["executionArn": "arn:e"]
        )
        #expect(
            try Self.encode(StepFunctionsRequest.StartExecution(stateMachineArn: "arn:sm", input: "{}", name: "n"))
                == ["stateMachineArn": "arn:sm", "input": "{}", "name": "n"]
        )
    }

    @Test func timestampsAreEpochSecondsOrText() throws {
        let answer = try Self.decode(
            StepFunctionsResponse.ListExecutions.self,
            #"{"executions": [{"executionArn": "a", "startDate": 1700000000.25, "stopDate": "2023-11-14T22:13:20Z"}, "#
                + #"{"executionArn": "b", "startDate": "1700000001", "stopDate": true}]}"#
        )
        let items = try #require(answer.executions)
        #expect(items[0].startDate?.date == Date(timeIntervalSince1970: 1_700_000_000.25))
        #expect(items[0].stopDate?.date == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(items[1].startDate?.date == Date(timeIntervalSince1970: 1_700_000_001))
        #expect(items[1].stopDate?.date == nil)
    }

    @Test func historyEventDetailsAreKeptAsSortedJSON() throws {
        let event = try Self.decode(
            HistoryEventBody.self,
            #"{"id": 3, "previousEventId": 2, "type": "ActivityScheduled", "timestamp": 1700000000, "#
                + #""activityScheduledEventDetails": {"resource": "arn:aws:states:r:1:activity:a/b", "#
                + #""input": "{\"k\": 1}", "timeoutInSeconds": 300, "heartbeat": null, "ok": true, "ratio": 0.5, "#
                + #""list": [1, "x"]}}"#
        ).event
        #expect(event.id == 3 && event.previousEventId == 2 && event.type == "ActivityScheduled")
        #expect(event.timestamp == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(event.resource == "arn:aws:states:r:1:activity:a/b")
        #expect(event.input == #"{"k": 1}"#)
        #expect(
            event.detailsJSON
                == #"{"heartbeat":null,"input":"{\"k\": 1}","list":[1,"x"],"ok":true,"ratio":0.5,"#
                + #""resource":"arn:aws:states:r:1:activity:a/b","timeoutInSeconds":300}"#
        )
        let bare = try Self.decode(HistoryEventBody.self, #"{"id": 1, "type": "ExecutionSucceeded"}"#).event
        #expect(bare.detailsJSON == "{}" && bare.error == nil)
    }

    @Test func malformedAnswersNameWhatIsWrong() throws {
        func message<T: Decodable>(_ type: T.Type, _ json: String) -> String? {
            do {
                _ = try Self.decode(type, json)
                return nil
            } catch let error as DecodingError {
                return StepFunctionsClient.describe(error, answer: Data(json.utf8))
            } catch {
                return "\(error)"
            }
        }
        #expect(message(StepFunctionsResponse.CreateActivity.self, "{}") == "the answer has no 'activityArn'")
        #expect(
            message(StepFunctionsResponse.CreateActivity.self, #"{"activityArn": 5}"#)
                == "the answer's 'activityArn' is not a string"
        )
        #expect(
            message(StepFunctionsResponse.ListActivities.self, #"{"activities": [{"name": 1}]}"#)
                == "the answer's 'activities[0].name' is not a string"
        )
        #expect(message(StepFunctionsResponse.Empty.self, "[1]") == "the answer is not a JSON object: [1]")
        #expect(message(StepFunctionsResponse.Empty.self, "not json") == "the answer is not a JSON object: not json")
    }

    @Test func errorBodiesAcceptTheOtherSpellings() throws {
        let plain = try Self.decode(ServiceErrorBody.self, #"{"__type": "a#B", "message": "m"}"#)
        #expect(plain.type == "a#B" && plain.message == "m")
        let other = try Self.decode(ServiceErrorBody.self, #"{"Code": "C", "errorMessage": "e", "__type": 1}"#)
        #expect(other.type == "C" && other.message == "e")
        let none = try Self.decode(ServiceErrorBody.self, #"{"x": 1}"#)
        #expect(none.type == nil && none.message == nil)
    }
}
