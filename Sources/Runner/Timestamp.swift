import Foundation

/// ISO 8601 timestamps in UTC with milliseconds, e.g. `2026-11-26T06:24:06.870Z`: in task outputs, the job-state
/// database and listings.
public enum Timestamp {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let withoutFraction = Date.ISO8601FormatStyle(timeZone: .gmt)

    /// Formats `date`.
    public static func format(_ date: Date) -> String { withFraction.format(date) }

    /// Parses a timestamp with or without fractional seconds.
    public static func parse(_ text: String) -> Date? {
        (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text))
    }
}
