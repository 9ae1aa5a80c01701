import AWS
import ArgumentParser
import Foundation
import Logging
import Runner
import SQS

/// `sluice watch`: reports each CSV file that finishes arriving in a directory or an S3 prefix.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Complete <prefix>-<file name> each time a .csv file arrives in a directory or an S3 prefix.",
        discussion: """
            The directory is scanned every --interval seconds. A file has finished arriving when its size and \
            modification time are unchanged across two scans, or at first sight when it was last modified more \
            than one interval ago (a file renamed into place). Each arrival is reported once, with the output of \
            `sluice notify`, to the activity <prefix>-<file name>, waiting until an execution asks for it. With the \
            seed's naming, the prefix is the activity ARN up to the bucket name: \
            arn:aws:states:<region>:<account>:activity:<bucket>. SIGTERM or SIGINT stops the watch once the polls in \
            flight have returned (a poll is never abandoned while it may hold a task).

            With s3://bucket/prefix/, each new .csv object under the prefix completes <prefix>-<last key segment> \
            with {"S3BucketName", "S3Key", "SFNActivityArn", "size", "eTag", "path", "bytes"}, polling the \
            activity once (an arrival no execution waits for is not announced again). With --queue-url, the \
            queue is long-polled for the bucket's s3:ObjectCreated:* notifications; a message is deleted once its \
            arrivals were announced. Without it, the prefix is listed every --interval seconds, with the cursor \
            (the scan's position and the uploads announced) in the --state database, so a restart misses nothing \
            and repeats nothing. AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL_SQS (or AWS_ENDPOINT_URL) override the \
            endpoints.

            Examples:
              sluice watch incoming/ --activity-prefix arn:aws:states:us-east-1:123456789012:activity:my-bucket
              sluice watch s3://my-bucket/sales/ --activity-prefix arn:aws:states:us-east-1:123456789012:activity:my-bucket \
                --queue-url https://sqs.us-east-1.amazonaws.com/123456789012/my-bucket-events

            \(stepFunctionsEnvironmentHelp)
            """
    )

    @Argument(help: "The directory, or s3://bucket/prefix/, to watch.")
    var directory: String

    @Option(name: .customLong("activity-prefix"), help: "The activity ARN prefix; <prefix>-<file name> is completed.")
    var activityPrefix: String

    @Option(help: "Seconds between scans (directories, and S3 listings without --queue-url).")
    var interval: Double = 1

    @Option(
        name: .customLong("queue-url"),
        help: "For s3://: the SQS queue receiving the bucket's s3:ObjectCreated:* notifications."
    )
    var queueURL: String?

    @Option(help: "For s3:// without --queue-url: the SQLite database holding the listing cursor.")
    var state: String = "output/sluice.sqlite"

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        guard activityPrefix.hasPrefix("arn:"), activityPrefix.contains(":activity:") else {
            throw ValidationError("--activity-prefix must be an activity ARN prefix (arn:…:activity:<bucket>)")
        }
        guard interval > 0 else { throw ValidationError("--interval must be more than 0 seconds") }
        if directory.hasPrefix("s3://") {
            _ = try watchedPrefix()
        } else if queueURL != nil {
            throw ValidationError("--queue-url is for s3://bucket/prefix/ targets only")
        }
    }

    /// The bucket and key prefix of an `s3://bucket/prefix/` target.
    func watchedPrefix() throws -> (bucket: String, prefix: String) {
        let rest = directory.dropFirst("s3://".count)
        let bucket = rest.prefix { $0 != "/" }
        guard !bucket.isEmpty, !bucket.contains(where: { $0 == " " || $0 == "?" || $0 == "#" }) else {
            throw ValidationError("\(directory): expected s3://bucket/prefix/ (a bucket name, then an optional prefix)")
        }
        return (String(bucket), String(rest.dropFirst(bucket.count).drop { $0 == "/" }))
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
        let logger = try options.makeLogger(label: "sluice.watch", defaultLevel: .info)
        if directory.hasPrefix("s3://") {
            try await watchS3(logger: logger)
            return
        }
        let client = try makeStepFunctionsClient(logger: logger)
        let watcher = DirectoryWatcher(
            directory: URL(fileURLWithPath: directory),
            activityPrefix: activityPrefix,
            interval: duration(seconds: interval),
            notifier: ArrivalNotifier(service: client, logger: logger),
            logger: logger
        )
        try await runUntilSignalled(watcher, client: client, logger: logger)
    }

    private func watchS3(logger: Logger) async throws {
        let (bucket, prefix) = try watchedPrefix()
        let client = try makeStepFunctionsClient(logger: logger)
        let notifier = ArrivalNotifier(service: client, logger: logger)
        let source: S3ArrivalWatcher.Source
        let shutdownSource: @Sendable () async -> Void
        do {
            if let queueURL {
                let sqs = try SQSClient(environment: AWSEnvironment(), logger: logger)
                source = .queue(SQSArrivalQueue(client: sqs, queueURL: queueURL))
                shutdownSource = { try? await sqs.shutdown() }
            } else {
                let store = try JobStateStore(path: state)
                let listing = try S3ArrivalListing(environment: AWSEnvironment(), logger: logger)
                source = .listing(listing, interval: duration(seconds: interval), store: store)
                shutdownSource = { try? await listing.shutdown() }
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        let watcher = S3ArrivalWatcher(
            bucket: bucket,
            prefix: prefix,
            activityPrefix: activityPrefix,
            source: source,
            notifier: notifier,
            logger: logger
        )
        do {
            try await runUntilSignalled(watcher, client: client, logger: logger)
        } catch {
            await shutdownSource()
            throw error
        }
        await shutdownSource()
    }
}
