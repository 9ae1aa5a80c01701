import Foundation

/// One event of a `GetExecutionHistory` answer. Its details sit under a member named after the event type
/// (`activityFailedEventDetails`, `executionStartedEventDetails`, …): the first member ending in `EventDetails`.
struct HistoryEventBody: Decodable {
    /// The details members read into ``HistoryEvent``.
    struct Details: Decodable {
        var error: String?
        var cause: String?
        var name: String?
        var resource: String?
        var input: String?
        var output: String?
    }

    var id: Int?
    var previousEventId: Int?
    var type: String?
    var timestamp: ServiceTimestamp?
    /// The details object as it came.
    var details: JSONValue?
    /// The members of it the client reads.
    var knownDetails: Details?

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        id = try container.decodeIfPresent(Int.self, forKey: Key(stringValue: "id"))
        previousEventId = try container.decodeIfPresent(Int.self, forKey: Key(stringValue: "previousEventId"))
        type = try container.decodeIfPresent(String.self, forKey: Key(stringValue: "type"))
        timestamp = try container.decodeIfPresent(ServiceTimestamp.self, forKey: Key(stringValue: "timestamp"))
        if let key = container.allKeys.first(where: { $0.stringValue.hasSuffix("EventDetails") }) {
            details = try container.decode(JSONValue.self, forKey: key)
            knownDetails = try container.decode(Details.self, forKey: key)
        }
    }

    /// The event as the client's callers see it.
    var event: HistoryEvent {
        var event = HistoryEvent(
            id: id ?? 0,
            previousEventId: previousEventId,
            type: type ?? "",
            timestamp: timestamp?.date
        )
        if let details {
            event.detailsJSON = details.jsonText
            event.error = knownDetails?.error
            event.cause = knownDetails?.cause
            event.name = knownDetails?.name
            event.resource = knownDetails?.resource
            event.input = knownDetails?.input
            event.output = knownDetails?.output
        }
        return event
    }
}
