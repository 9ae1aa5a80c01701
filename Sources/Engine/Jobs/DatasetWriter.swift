import Columnar
import Foundation
import Logging

/// Writes batches as a dataset outside a job run (a SQL `CREATE TABLE … AS`), through the same parts and the same
/// atomic commit as a job's output: the previous dataset at the location stays whole until the new one is complete.
public enum DatasetWriter {
    /// What was written.
    public struct Result: Sendable, Hashable {
        public var rows: Int
        public var files: [String]
    }

    /// Writes every batch of `stream` to `location` (a directory or an S3 prefix) as `format` part files and commits
    /// them; on any failure nothing replaces what was there.
    public static func write(
        _ stream: any BatchStream,
        to location: DataLocation,
        store: ObjectStore?,
        format: JobOutput.Format = .parquet,
        codec: JobOutput.Codec = .snappy,
        logger: Logger
    ) throws -> Result {
        let commit: any DatasetCommitting
        switch location {
        case .local(let path):
            commit = try DatasetCommit(target: path)
        case .s3(let object):
            guard let store else { throw JobError("output \(object): S3 is not available here") }
            commit = try S3DatasetCommit(location: object, store: store, logger: logger)
        }
        do {
            var stream = stream
            let writer = try PartWriter(
                commit: commit,
                schema: stream.schema,
                format: format,
                codec: codec,
                rowsPerPart: JobOutput().rowsPerPart
            )
            while let batch = try stream.next() { try writer.write(batch) }
            let files = try writer.finish()
            try commit.commit(DatasetManifest(runId: commit.runId, files: files))
            return Result(rows: writer.rowsWritten, files: files.map(\.name))
        } catch {
            commit.abort()
            throw error
        }
    }
}
