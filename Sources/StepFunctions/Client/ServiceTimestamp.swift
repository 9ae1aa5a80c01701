import AWS
import Foundation

/// A timestamp in an answer: the API sends epoch seconds; ISO 8601 text (or numeric text) is accepted too. A
/// value of any other kind decodes to a `nil` ``date`` instead of failing the call.
struct ServiceTimestamp: Decodable {
    /// The instant, when the value was one.
    var date: Date?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let seconds = try? container.decode(Double.self) {
            date = Date(timeIntervalSince1970: seconds)
        } else if let text = try? container.decode(String.self) {
            date = AWSHTTP.parseISO8601(text) ?? Double(text).map(Date.init(timeIntervalSince1970:))
        } else {
            date = nil
        }
    }
}
