import Foundation
import Logging
import StepFunctions

/// A file that has arrived, as reported to the activity waiting for it.
public struct ArrivalNotice: Sendable, Hashable {
    /// The "bucket": the activity name without its `-<file name>` suffix (the seed names data-arrival activities
    /// `<bucket>-<file name>`), else the activity name.
    public var bucket: String
    /// The "key": the file's name.
    public var key: String
    /// The activity completed.
    public var activityArn: String
    /// The file's absolute path.
    public var path: String
    /// Its size in bytes.
    public var bytes: Int64

    /// The task output: `{"S3BucketName", "S3Key", "SFNActivityArn", "path", "bytes"}` (the first three as the
    /// seed's S3 Lambda sends them).
    public var output: String {
        let object: [String: Any] = [
            "S3BucketName": bucket, "S3Key": key, "SFNActivityArn": activityArn, "path": path, "bytes": bytes,
        ]
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// A file to notify about that cannot be read.
public struct ArrivalError: Error, Sendable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// What is wrong.
    public var reason: String

    /// E.g. `data/sales.csv: no such file`.
    public var description: String { "\(path): \(reason)" }
}

/// Completes data-arrival activities (the seed's `Wait For Sales Data` / `Wait For Marketing Data`), as the seed's
/// `ons3objectcreated` Lambda does when a file lands in S3.
public struct ArrivalNotifier: Sendable {
    /// The worker name of its polls (the seed's Lambda uses `on_s3_object_created`).
    public var workerName: String
    let service: any ActivityService
    let logger: Logger

    /// Creates a notifier.
    public init(service: any ActivityService, workerName: String = "on_s3_object_created", logger: Logger) {
        self.service = service
        self.workerName = workerName
        self.logger = logger
    }

    /// The notice for `path` (which must be a readable regular file) on `activityArn`.
    public static func notice(for path: String, activityArn: String, bucket: String? = nil) throws -> ArrivalNotice {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        } catch {
            throw ArrivalError(path: path, reason: "no such file (or it cannot be read)")
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            throw ArrivalError(path: path, reason: "not a regular file")
        }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let name = url.lastPathComponent
        let activityName = activityArn.split(separator: ":").last.map(String.init) ?? activityArn
        let derivedBucket =
            activityName.hasSuffix("-" + name) ? String(activityName.dropLast(name.count + 1)) : activityName
        return ArrivalNotice(
            bucket: bucket ?? derivedBucket,
            key: name,
            activityArn: activityArn,
            path: url.path,
            bytes: size
        )
    }

    /// Polls `notice.activityArn` once and completes the task it brings with ``ArrivalNotice/output``.
    /// Returns `false` when no execution was waiting (the poll came back empty: up to 60 s on AWS).
    public func notify(_ notice: ArrivalNotice) async throws -> Bool {
        guard let task = try await service.getActivityTask(activityArn: notice.activityArn, workerName: workerName)
        else { return false }
        try await service.sendTaskSuccess(taskToken: task.taskToken, output: notice.output)
        logger.info(
            "data arrival reported",
            metadata: ["activity": "\(notice.activityArn)", "path": "\(notice.path)", "bytes": "\(notice.bytes)"]
        )
        return true
    }
}
