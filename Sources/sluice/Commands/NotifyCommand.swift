import AWS
import ArgumentParser
import Foundation
import Logging
import Runner
import S3

/// `sluice notify`: reports one file's arrival to the execution waiting for it.
struct Notify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Complete one waiting data-arrival task with a file's details (like the seed's S3 Lambda).",
        discussion: """
            Polls the activity once and completes the task it brings with {"S3BucketName", "S3Key", \
            "SFNActivityArn", "path", "bytes"}. S3BucketName is the activity name without its "-<file name>" \
            suffix (the seed names these activities <bucket>-<file name>) unless --bucket is given; S3Key is the \
            file name. For --file s3://bucket/key, the object's size and ETag come from HeadObject and the task \
            gets {"S3BucketName", "S3Key", "SFNActivityArn", "size", "eTag", "path", "bytes"} (AWS_ENDPOINT_URL_S3 \
            or AWS_ENDPOINT_URL overrides the S3 endpoint).

            If no execution is waiting, it says so and exits with status 3. The service holds a poll for up to \
            60 s before answering that nothing is waiting, and a poll cannot be cut short safely (a task it hands \
            out would be lost), so that answer can take a minute on AWS.

            \(stepFunctionsEnvironmentHelp)
            """
    )

    @Option(
        name: .customLong("activity-arn"),
        help: "The data-arrival activity, e.g. …:activity:<bucket>-SalesPipeline_QuickSightSample.csv."
    )
    var activityArn: String

    @Option(help: "The file that arrived: a path, or s3://bucket/key.")
    var file: String

    @Option(help: "The S3BucketName to report (default: derived from the activity name).")
    var bucket: String?

    @Option(name: .customLong("worker-name"), help: "The worker name sent with the poll.")
    var workerName: String = "on_s3_object_created"

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        guard activityArn.hasPrefix("arn:"), activityArn.contains(":activity:") else {
            throw ValidationError(
                "--activity-arn must be an activity ARN (arn:…:states:<region>:<account>:activity:<name>)"
            )
        }
        if file.hasPrefix("s3://"), bucket != nil {
            throw ValidationError("--bucket is for local files; an s3:// file names its bucket")
        }
    }

    func run() async throws {
        do {
            try await execute()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw fail(error)
        }
    }

    private func execute() async throws {
        let logger = try options.makeLogger(label: "sluice.notify", defaultLevel: .info)
        if file.hasPrefix("s3://") {
            try await notifyS3(logger: logger)
            return
        }
        let notice = try ArrivalNotifier.notice(for: file, activityArn: activityArn, bucket: bucket)
        let client = try makeStepFunctionsClient(logger: logger)
        let notifier = ArrivalNotifier(service: client, workerName: workerName, logger: logger)
        let completed: Bool
        do {
            completed = try await notifier.notify(notice)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try? await client.shutdown()
        guard completed else {
            FileHandle.standardError.write(Data("sluice notify: no execution is waiting on \(activityArn)\n".utf8))
            throw ExitCode(3)
        }
        print("notified \(activityArn): \(notice.path) (\(notice.bytes) bytes)")
    }

    private func notifyS3(logger: Logger) async throws {
        let location = try S3Location(parsing: file)
        guard !location.key.isEmpty, !location.key.hasSuffix("/") else {
            throw ValidationError("--file \(file): expected s3://bucket/key naming an object")
        }
        let s3 = try S3Client(environment: AWSEnvironment(), logger: logger)
        let info: S3ObjectInfo
        do {
            info = try await s3.headObject(bucket: location.bucket, key: location.key)
        } catch {
            try? await s3.shutdown()
            throw error
        }
        try? await s3.shutdown()
        let arrival = S3ObjectArrival(
            bucket: location.bucket,
            key: location.key,
            size: Int64(info.size),
            eTag: info.eTag,
            activityArn: activityArn
        )
        let client = try makeStepFunctionsClient(logger: logger)
        let notifier = ArrivalNotifier(service: client, workerName: workerName, logger: logger)
        let completed: Bool
        do {
            completed = try await notifier.complete(activityArn: activityArn, output: arrival.output)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try? await client.shutdown()
        guard completed else {
            FileHandle.standardError.write(Data("sluice notify: no execution is waiting on \(activityArn)\n".utf8))
            throw ExitCode(3)
        }
        print("notified \(activityArn): \(file) (\(info.size) bytes)")
    }
}
