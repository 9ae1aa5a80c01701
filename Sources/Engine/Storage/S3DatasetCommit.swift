import AWS
import Foundation
import Logging
import S3
import Storage
import Synchronization

/// Writes a dataset under an S3 prefix without ever losing the previous one. S3 has no rename, so the commit is the
/// manifest, the way the S3A committers do it (and unlike Spark's overwrite, which deletes the old output first):
///
/// 1. every file of the run is uploaded under a run-unique name (`part-00000-<run id>.parquet`), each as a
///    multipart upload that completes only when the file is whole (or aborts);
/// 2. once every upload has completed, `_SUCCESS` is written last, as a ``DatasetManifest`` naming exactly the run's
///    files: from then on, readers that go by the manifest (Sluice's own) read the new dataset;
/// 3. then the previous run's files, the orphans of killed runs (objects the manifest does not name) and incomplete
///    multipart uploads under the prefix are deleted.
///
/// A run that fails or is killed before step 2 leaves the previous manifest and its files untouched. Readers that
/// list the prefix instead of reading the manifest can see both runs' files between steps 2 and 3.
final class S3DatasetCommit: DatasetCommitting, @unchecked Sendable {
    /// The dataset prefix (ending in `/`).
    let prefix: S3Location
    let runId: String
    let spillDirectory: String
    private let client: S3Client
    private let store: ObjectStore
    private let logger: Logger
    private let sinks = Mutex<[S3ByteSink]>([])

    var target: DataLocation { .s3(prefix) }
    var rejectsName: String { "_rejects-\(runId).csv" }

    /// Prepares a run writing under `location` (a prefix, with or without the trailing slash).
    init(location: S3Location, store: ObjectStore, logger: Logger) throws {
        let key = location.prefix
        guard !key.isEmpty else {
            throw JobError("\(location): an output needs a prefix inside the bucket (s3://bucket/prefix/)")
        }
        self.prefix = S3Location(bucket: location.bucket, key: key)
        self.client = try store.s3()
        self.store = store
        self.logger = logger
        let stamp = Self.stampFormatter.string(from: Date())
        self.runId = "\(stamp)-\(UUID().uuidString.prefix(8).lowercased())"
        self.spillDirectory = (NSTemporaryDirectory() as NSString).appendingPathComponent("sluice-spill-\(runId)")
    }

    private static let stampFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter
    }()

    func partName(index: Int, extension ext: String) -> String {
        String(format: "part-%05d-%@.%@", index, runId, ext)
    }

    func sink(named name: String) throws -> any ByteSink {
        let options = store.uploadOptions
        let sink = S3ByteSink(
            client: client,
            location: S3Location(bucket: prefix.bucket, key: prefix.key + name),
            partSize: options.partSize,
            maxInFlight: options.maxInFlight
        )
        sinks.withLock { $0.append(sink) }
        return sink
    }

    func commit(_ manifest: DatasetManifest) throws {
        sinks.withLock { $0.removeAll() }
        let client = self.client
        let prefix = self.prefix
        let marker = prefix.key + DatasetManifest.fileName
        let body = [UInt8](manifest.encoded())
        _ = try AWSBlocking.run {
            try await client.putObject(bucket: prefix.bucket, key: marker, body: body, contentType: "application/json")
        }
        let keep = Set(
            manifest.files.map { prefix.key + $0.name } + [marker] + (manifest.rejects.map { [prefix.key + $0] } ?? [])
        )
        do {
            try AWSBlocking.run { try await Self.clean(prefix, keeping: keep, client: client) }
        } catch {
            // The dataset is committed; what is left is removed by the next run's cleanup.
            logger.warning(
                "committed, but the cleanup of the previous run's objects failed",
                metadata: ["output": "\(prefix)", "error": "\(error)"]
            )
        }
    }

    /// Deletes the objects directly under `prefix` that `keep` does not name, and aborts every incomplete multipart
    /// upload there.
    static func clean(_ prefix: S3Location, keeping keep: Set<String>, client: S3Client) async throws {
        let isDirectChild = { (key: String) -> Bool in
            key.hasPrefix(prefix.key) && !key.dropFirst(prefix.key.count).contains("/")
        }
        let stale = try await client.listAllObjects(bucket: prefix.bucket, prefix: prefix.key).map(\.key).filter {
            isDirectChild($0) && !keep.contains($0)
        }
        if !stale.isEmpty { try await client.deleteObjects(bucket: prefix.bucket, keys: stale) }
        for upload in try await client.listMultipartUploads(bucket: prefix.bucket, prefix: prefix.key)
        where isDirectChild(upload.key) {
            try await client.abortMultipartUpload(bucket: prefix.bucket, key: upload.key, uploadId: upload.uploadId)
        }
    }

    /// Aborts the uploads in flight, then deletes the objects this run had already completed: their names carry
    /// the run id, so no manifest names them, and left behind they would be orphans that only a later commit of
    /// this prefix removes (or none, when this run lost its task to a run that has committed already).
    func abort() {
        let sinks = sinks.withLock { sinks in
            defer { sinks.removeAll() }
            return sinks
        }
        for sink in sinks { sink.abort() }
        let keys = sinks.map(\.location.key)
        guard !keys.isEmpty else { return }
        let client = self.client
        let bucket = prefix.bucket
        do {
            try AWSBlocking.run { try await client.deleteObjects(bucket: bucket, keys: keys) }
        } catch {
            logger.warning(
                "the failed run's files could not be deleted; the next commit of the prefix removes them",
                metadata: ["output": "\(prefix)", "error": "\(error)"]
            )
        }
    }
}
