import ArgumentParser
import Foundation
import Logging

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Log level: trace, debug, info, notice, warning, error or critical.",
            discussion: "Logs go to stderr. The default is warning for jobs and info for the worker; "
                + "SLUICE_LOG_LEVEL sets it too."
        )
    )
    var logLevel: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Log format: text or json.",
            discussion: "json writes one JSON object per line (time, level, message, logger and the metadata: job, "
                + "run_id, activity, ...) for CloudWatch, Loki or any log pipeline. The default is text; "
                + "SLUICE_LOG_FORMAT sets it too."
        )
    )
    var logFormat: String?

    /// Checks the level and the format while parsing, so that a mistake is shown with the command's usage.
    func validate() throws {
        _ = try makeLogger(label: "sluice.options")
    }

    /// A logger writing to stderr at the chosen level.
    func makeLogger(label: String, defaultLevel: Logger.Level = .warning) throws -> Logger {
        let text = logLevel ?? ProcessInfo.processInfo.environment["SLUICE_LOG_LEVEL"]
        var level = defaultLevel
        if let text {
            guard let parsed = Logger.Level(rawValue: text.lowercased()) else {
                throw ValidationError(
                    "unknown log level \"\(text)\" (expected trace, debug, info, notice, warning, error or critical)"
                )
            }
            level = parsed
        }
        let format = (logFormat ?? ProcessInfo.processInfo.environment["SLUICE_LOG_FORMAT"] ?? "text").lowercased()
        var logger: Logger
        switch format {
        case "text": logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        case "json": logger = Logger(label: label) { JSONLogHandler(label: $0) }
        default: throw ValidationError("unknown log format \"\(format)\" (expected text or json)")
        }
        logger.logLevel = level
        return logger
    }
}

/// Prints a one-line error on stderr and exits with status 1, for failures that are not usage errors.
func fail(_ error: any Error) -> ExitCode {
    let text: String
    switch error {
    case is CancellationError: text = "cancelled"
    default: text = String(describing: error)
    }
    let line = text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: " ")
    FileHandle.standardError.write(Data("sluice: error: \(line)\n".utf8))
    return ExitCode.failure
}
