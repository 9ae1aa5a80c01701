import Foundation
import Storage

#if canImport(Glibc)
import Glibc
#endif

/// Writes a dataset directory atomically: files go into a temporary directory beside the target, which replaces
/// the target in one step only when ``commit(_:)`` is called.
///
/// A run that fails or is killed before ``commit(_:)`` leaves the previous dataset untouched; its temporary
/// directory (`.NAME.sluice-tmp-PID-…`) is removed by ``abort()`` or, after a kill, by the next run's
/// ``init(target:)``.
final class DatasetCommit: DatasetCommitting, @unchecked Sendable {
    /// The dataset directory that ``commit(_:)`` replaces.
    let path: String
    /// The temporary directory to write into.
    let directory: String
    let runId = String(UUID().uuidString.prefix(8)).lowercased()
    private var finished = false

    var target: DataLocation { .local(path) }
    var rejectsName: String { "_rejects.csv" }
    var spillDirectory: String { directory + ".spill" }

    /// Local part names need no run id: the whole directory is swapped in.
    func partName(index: Int, extension ext: String) -> String {
        String(format: "part-%05d.%@", index, ext)
    }

    func sink(named name: String) throws -> any ByteSink {
        try LocalFileSink(path: path(name))
    }

    /// Prepares a temporary directory beside `target`, creating `target`'s parent when needed.
    init(target: String) throws {
        let url = URL(fileURLWithPath: target).standardizedFileURL
        self.path = url.path
        let parent = url.deletingLastPathComponent().path
        let base = url.lastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw JobError("\(parent): cannot create the output's parent directory: \(error.localizedDescription)")
        }
        Self.removeStaleTemporaries(parent: parent, base: base)
        directory = (parent as NSString).appendingPathComponent(
            ".\(base).sluice-tmp-\(getpid())-\(UUID().uuidString.prefix(8))"
        )
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        } catch {
            throw JobError("\(directory): cannot create the temporary output directory: \(error.localizedDescription)")
        }
    }

    deinit {
        if !finished { abort() }
    }

    /// The path of `name` inside the temporary directory.
    func path(_ name: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }

    /// Writes the `_SUCCESS` manifest and puts the temporary directory in place of the target.
    ///
    /// When the target exists the two are exchanged atomically (`renameat2` with `RENAME_EXCHANGE`) and the old
    /// dataset is then deleted, so a reader sees either the old or the new dataset, never a mixture or nothing.
    func commit(_ manifest: DatasetManifest) throws {
        precondition(!finished, "DatasetCommit committed or aborted twice")
        guard FileManager.default.createFile(atPath: path(DatasetManifest.fileName), contents: manifest.encoded())
        else {
            throw JobError("\(path(DatasetManifest.fileName)): cannot write the dataset manifest")
        }
        let target = self.path
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory)
        if exists && !isDirectory.boolValue {
            throw JobError("\(target): exists and is not a directory; not replacing it")
        }
        if exists {
            if let exchange = Self.renameExchange, exchange(AT_FDCWD, directory, AT_FDCWD, target, 2) == 0 {
                // `directory` now holds the previous dataset.
                try? FileManager.default.removeItem(atPath: directory)
                finished = true
                return
            }
            // No renameat2 (old kernel or file system): move the old dataset aside, then rename.
            let aside = directory + ".old"
            guard rename(target, aside) == 0 else {
                throw JobError("\(target): cannot replace the previous output: \(String(cString: strerror(errno)))")
            }
            guard rename(directory, target) == 0 else {
                let reason = String(cString: strerror(errno))
                _ = rename(aside, target)
                throw JobError("\(target): cannot move the new output into place: \(reason)")
            }
            try? FileManager.default.removeItem(atPath: aside)
        } else {
            guard rename(directory, target) == 0 else {
                throw JobError("\(target): cannot move the new output into place: \(String(cString: strerror(errno)))")
            }
        }
        finished = true
    }

    /// Removes the temporary directory; the target stays as it was.
    func abort() {
        finished = true
        try? FileManager.default.removeItem(atPath: directory)
    }

    private typealias RenameAt2 =
        @convention(c) (
            Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32
        ) -> Int32

    /// glibc's `renameat2`, looked up at run time (Swift's Glibc module hides it behind `_GNU_SOURCE`).
    private static let renameExchange: RenameAt2? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: RenameAt2.self)
    }()

    /// Deletes temporary directories of `base` left by runs whose process is gone.
    private static func removeStaleTemporaries(parent: String, base: String) {
        let prefix = ".\(base).sluice-tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for name in names where name.hasPrefix(prefix) {
            let pidText = name.dropFirst(prefix.count).prefix { $0 != "-" }
            guard let pid = Int32(pidText), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: (parent as NSString).appendingPathComponent(name))
            }
        }
    }
}
