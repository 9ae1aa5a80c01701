import Foundation
import Logging
import Synchronization

/// A swift-log handler that writes one JSON object per line to standard error, for CloudWatch, Loki or any log
/// pipeline: `time` (ISO 8601, UTC, milliseconds), `level`, `message`, `logger` (the label), then the metadata
/// attached to the logger and the message (`job`, `run_id`, `activity`, `error`, …) as top-level fields. A metadata
/// key that collides with one of the four fixed fields is written with a `metadata.` prefix. Each line is one
/// `write(2)`, so lines from concurrent tasks never interleave.
///
/// Written here rather than taken from a package: the mirror has no JSON handler for swift-log, and the format is
/// twenty lines of string escaping.
struct JSONLogHandler: LogHandler {
    /// The label, written as `logger`.
    let label: String
    /// The handler's metadata.
    var metadata: Logger.Metadata = [:]
    /// The handler's level.
    var logLevel: Logger.Level = .info
    private let write: @Sendable (String) -> Void

    /// A handler for `label` writing lines to standard error (or to `write`, for tests).
    init(label: String, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.write = write
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    // swift-format-ignore: UseSingleLinePropertyGetter
    func log(event: LogEvent) {
        var line = "{\"time\":"
        line.appendDoubleQuoted(Self.timestamp(Date()))
        line += ",\"level\":"
        line.appendDoubleQuoted(event.level.rawValue)
        line += ",\"message\":"
        line.appendDoubleQuoted("\(event.message)")
        line += ",\"logger\":"
        line.appendDoubleQuoted(label)
        let merged = event.metadata.map { metadata.merging($0) { $1 } } ?? metadata
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            line += ","
            line.appendDoubleQuoted(Self.reserved.contains(key) ? "metadata.\(key)" : key)
            line += ":"
            Self.append(value: value, to: &line)
        }
        line += "}\n"
        write(line)
    }

    private static let reserved: Set<String> = ["time", "level", "message", "logger"]

    private static let lock = Mutex(())

    /// Writes `line` to standard error in one call.
    @Sendable static func standardError(_ line: String) {
        lock.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
    }

    /// `2026-12-06T13:01:02.345Z`.
    static func timestamp(_ date: Date) -> String {
        date.formatted(
            Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(secondsFromGMT: 0)!)
        )
    }

    private static func append(value: Logger.Metadata.Value, to line: inout String) {
        switch value {
        case .string(let text):
            line.appendDoubleQuoted(text)
        case .stringConvertible(let convertible):
            line.appendDoubleQuoted(convertible.description)
        case .array(let values):
            line += "["
            for (index, element) in values.enumerated() {
                if index > 0 { line += "," }
                append(value: element, to: &line)
            }
            line += "]"
        case .dictionary(let values):
            line += "{"
            for (index, (key, element)) in values.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { line += "," }
                line.appendDoubleQuoted(key)
                line += ":"
                append(value: element, to: &line)
            }
            line += "}"
        }
    }
}
