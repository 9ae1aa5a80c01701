import Foundation

/// The typed JSON plumbing of the operations: requests encoded from ``StepFunctionsRequest`` structs, answers
/// decoded into ``StepFunctionsResponse`` structs.
extension StepFunctionsClient {
    /// Encodes `request`, calls `operation` and decodes the answer as `Response`. An empty answer reads as `{}`;
    /// an answer that is not a JSON object, or lacks a member `Response` needs, is a `MalformedResponse` error.
    func invoke<Response: Decodable>(
        _ operation: String,
        _ request: some Encodable,
        as response: Response.Type = StepFunctionsResponse.Empty.self,
        timeout: Duration? = nil
    ) async throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let answer = try await call(operation, body: try encoder.encode(request), timeout: timeout)
        let isBlank = answer.allSatisfy { $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }
        do {
            return try JSONDecoder().decode(Response.self, from: isBlank ? Data("{}".utf8) : answer)
        } catch let error as DecodingError {
            throw StepFunctionsError(
                code: .other("MalformedResponse"),
                message: Self.describe(error, answer: answer),
                httpStatus: 200,
                operation: operation
            )
        }
    }

    /// What was wrong with an answer, e.g. `the answer has no string 'activityArn'`.
    static func describe(_ error: DecodingError, answer: Data) -> String {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            (codingPath + (last.map { [$0] } ?? [])).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                .joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        func kind(_ type: Any.Type) -> String {
            switch type {
            case is String.Type: "string"
            case is Int.Type, is Double.Type: "number"
            default: "\(type)"
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "the answer has no '\(path(context.codingPath, key))'"
        case .valueNotFound(let type, let context):
            return "the answer has no \(kind(type)) '\(path(context.codingPath))'"
        case .typeMismatch(_, let context) where context.codingPath.isEmpty,
            .dataCorrupted(let context) where context.codingPath.isEmpty:
            return "the answer is not a JSON object: \(String(decoding: answer.prefix(200), as: UTF8.self))"
        case .typeMismatch(let type, let context):
            return "the answer's '\(path(context.codingPath))' is not a \(kind(type))"
        case .dataCorrupted(let context):
            return "the answer's '\(path(context.codingPath))' is malformed: \(context.debugDescription)"
        @unknown default:
            return "the answer is malformed: \(error)"
        }
    }
}
