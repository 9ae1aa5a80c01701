import Foundation

/// The JSON body of an error answer: `{"__type": "...", "message": "..."}`, with the spellings other AWS front
/// ends use (`code`/`Code`, `Message`/`errorMessage`) accepted too. A member of another type counts as absent.
struct ServiceErrorBody: Decodable {
    /// The error type, qualified or not.
    var type: String?
    /// The message.
    var message: String?

    private enum CodingKeys: String, CodingKey {
        case type = "__type"
        case code
        case capitalizedCode = "Code"
        case message
        case capitalizedMessage = "Message"
        case errorMessage
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ keys: CodingKeys...) -> String? {
            for key in keys {
                if let value = try? container.decodeIfPresent(String.self, forKey: key) { return value }
            }
            return nil
        }
        type = text(.type, .code, .capitalizedCode)
        message = text(.message, .capitalizedMessage, .errorMessage)
    }
}
