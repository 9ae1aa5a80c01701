import AWS
import Foundation
import Logging
import ServiceLifecycle
import StepFunctions

/// Watches a directory and completes the activity `<prefix>-<file name>` each time a `.csv` file finishes arriving
/// there: the local counterpart of the seed's S3 notification Lambda.
///
/// The directory is scanned every ``interval``. A file has finished arriving when its size and modification time
/// are the same on two scans in a row, or, on first sight, when it was last modified more than one interval ago
/// (a file renamed into place, or one that was there before the watch began). Each arrival (a new size or
/// modification time) is reported once: the watcher polls the activity until an execution waits for it.
/// Hidden files and other extensions are ignored.
public final class DirectoryWatcher: Service, Sendable {
    /// The directory watched.
    public let directory: URL
    /// The activity ARN prefix; a file `name.csv` completes `<prefix>-name.csv`.
    public let activityPrefix: String
    /// The time between scans.
    public let interval: Duration
    /// The backoff between polls of an arrival's activity that failed transiently (its `maxAttempts` is not used:
    /// an arrival is polled for until an execution takes it or the watch stops).
    public let retryPolicy: RetryPolicy
    let notifier: ArrivalNotifier
    let logger: Logger
    private let stopping = StopSignal()

    /// Creates a watcher.
    public init(
        directory: URL,
        activityPrefix: String,
        interval: Duration = .seconds(1),
        retryPolicy: RetryPolicy = .default,
        notifier: ArrivalNotifier,
        logger: Logger
    ) {
        self.directory = directory
        self.activityPrefix = activityPrefix
        self.interval = interval
        self.retryPolicy = retryPolicy
        self.notifier = notifier
        self.logger = logger
    }

    /// Stops scanning; polls in flight are completed first.
    public func shutdown() { stopping.stop() }

    private var isStopping: Bool { stopping.isStopped }

    /// Scans and reports until shut down.
    public func run() async throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
        else { throw ArrivalError(path: directory.path, reason: "not a directory") }
        logger.info("watching", metadata: ["directory": "\(directory.path)", "prefix": "\(activityPrefix)"])
        await withGracefulShutdownHandler {
            await self.watch()
        } onGracefulShutdown: {
            self.shutdown()
        }
        logger.info("watch stopped")
    }

    private func watch() async {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        var tracker = FileArrivalTracker(interval: seconds)
        await withTaskGroup(of: Void.self) { group in
            while !isStopping {
                for name in tracker.scanned(scan(), at: Date()) {
                    let path = directory.appendingPathComponent(name).path
                    let arn = "\(activityPrefix)-\(name)"
                    group.addTask { await self.report(path: path, activityArn: arn) }
                }
                await stopping.sleep(for: interval)
            }
        }
    }

    private func scan() -> [String: FileArrivalTracker.Signature] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [:] }
        var result: [String: FileArrivalTracker.Signature] = [:]
        for name in names where !name.hasPrefix(".") && name.lowercased().hasSuffix(".csv") {
            let path = directory.appendingPathComponent(name).path
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                attributes[.type] as? FileAttributeType == .typeRegular
            else { continue }
            result[name] = FileArrivalTracker.Signature(
                size: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
                modified: attributes[.modificationDate] as? Date ?? .distantPast
            )
        }
        return result
    }

    /// Polls the file's activity until an execution waits for it, then completes that task.
    private func report(path: String, activityArn: String) async {
        var logger = self.logger
        logger[metadataKey: "activity"] = "\(activityArn)"
        logger[metadataKey: "path"] = "\(path)"
        logger.info("file arrived; waiting for an execution to ask for it")
        var failures = 0
        while !isStopping {
            do {
                let notice = try ArrivalNotifier.notice(for: path, activityArn: activityArn)
                if try await notifier.notify(notice) { return }
                failures = 0
            } catch let error as StepFunctionsError where !error.code.isRetryable {
                logger.error("cannot report the arrival", metadata: ["error": "\(error)"])
                return
            } catch let error as ArrivalError {
                logger.error("cannot report the arrival", metadata: ["error": "\(error)"])
                return
            } catch {
                failures += 1
                logger.warning("polling failed; trying again", metadata: ["error": "\(error)"])
                await stopping.sleep(for: retryPolicy.delay(forRetry: failures - 1))
            }
        }
    }
}
