import Foundation

/// The `_SUCCESS` manifest a committed dataset carries: written last, after every file of the run is in place, it
/// names exactly the files that make the dataset (the way the S3A committers' `_SUCCESS` does).
///
/// Readers that find one read exactly its files, so they never see a mix of two runs' files, nor the orphans of a
/// killed run. An empty `_SUCCESS` (written by Spark, or by Sluice before manifests) means "every data file".
public struct DatasetManifest: Codable, Sendable, Hashable {
    /// One file of the dataset.
    public struct File: Codable, Sendable, Hashable {
        /// The file's name inside the dataset.
        public var name: String
        /// Its size in bytes.
        public var bytes: Int
        /// Its rows.
        public var rows: Int

        /// Creates an entry.
        public init(name: String, bytes: Int, rows: Int) {
            self.name = name
            self.bytes = bytes
            self.rows = rows
        }
    }

    /// The manifest format, `sluice-dataset/1`.
    public var format: String
    /// The run that wrote the dataset.
    public var runId: String
    /// When the run committed, ISO 8601.
    public var committedAt: String
    /// The dataset's rows.
    public var rows: Int
    /// The data files, in order.
    public var files: [File]
    /// The rejects file's name, when rows were rejected.
    public var rejects: String?

    /// The format string this version writes.
    public static let currentFormat = "sluice-dataset/1"
    /// The manifest's name in a dataset.
    public static let fileName = "_SUCCESS"

    /// Creates a manifest.
    public init(runId: String, committedAt: Date = Date(), files: [File], rejects: String? = nil) {
        self.format = Self.currentFormat
        self.runId = runId
        self.committedAt = ISO8601DateFormatter().string(from: committedAt)
        self.rows = files.reduce(0) { $0 + $1.rows }
        self.files = files
        self.rejects = rejects
    }

    /// The manifest as JSON.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }

    /// Decodes `bytes` of the manifest at `name`; `nil` for an empty marker.
    ///
    /// - Throws: ``JobError`` naming `name` when the bytes are not a manifest.
    public static func decode(_ bytes: [UInt8], name: String) throws -> DatasetManifest? {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return nil }
        do {
            return try JSONDecoder().decode(DatasetManifest.self, from: Data(bytes))
        } catch {
            throw JobError("\(name): not a dataset manifest (expected JSON with runId and files): \(error)")
        }
    }
}
