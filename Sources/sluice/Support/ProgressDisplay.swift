import Engine
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress display on stderr, shown only on a terminal and only once work has taken more than a
/// second, updated at most ten times a second.
final class ProgressDisplay: @unchecked Sendable {
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var latest: [String: JobProgress] = [:]
    private var drawn = false
    private let lock = NSLock()

    init(enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.enabled = enabled
    }

    /// Records `progress` and redraws when due.
    func update(_ progress: JobProgress) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        latest[progress.job] = progress
        let now = Date()
        guard now.timeIntervalSince(start) > 1, now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let parts = latest.keys.sorted().map { name -> String in
            let p = latest[name]!
            let percent = p.bytesTotal > 0 ? " \(min(100, p.bytesRead * 100 / p.bytesTotal))%" : ""
            return "\(name): \(p.phase)\(percent) \(Self.megabytes(p.bytesRead)) MB, \(p.rowsRead) rows"
        }
        let line = parts.joined(separator: " | ")
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
        drawn = true
    }

    /// Clears the line, before the final output is printed.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        drawn = false
    }

    private static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f", Double(bytes) / 1_000_000)
    }
}
