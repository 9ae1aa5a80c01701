import Foundation

extension JobStateStore {
    /// Why the state file cannot be written now (read-only file or directory), or `nil`; for health checks.
    public func writeProblem() -> String? {
        let files = FileManager.default
        if files.fileExists(atPath: path), !files.isWritableFile(atPath: path) { return "\(path) is read-only" }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !files.isWritableFile(atPath: directory) { return "\(directory) is read-only" }
        return nil
    }
}
