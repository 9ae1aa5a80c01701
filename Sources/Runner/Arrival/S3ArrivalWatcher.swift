import AWS
import Foundation
import Logging
import ServiceLifecycle
import StepFunctions

/// `sluice watch s3://bucket/prefix/`: completes `<prefix>-<file name>` for each new `.csv` object, from SQS
/// notifications or ListObjectsV2 polling. The thin async driver of ``S3ArrivalStateMachine``.
///
/// On shutdown it stops receiving and listing (a receive or listing in flight is cancelled: what it would have
/// brought stays in the queue or in the bucket), and returns once the activity polls in flight have returned (a
/// poll is never abandoned while it may hold a task).
public final class S3ArrivalWatcher: Service, Sendable {
    /// Where arrivals come from.
    public enum Source: Sendable {
        /// Long polls of an SQS queue that receives the bucket's `s3:ObjectCreated:*` notifications.
        case queue(any ArrivalQueue)
        /// ListObjectsV2 every `interval`, with the cursor in `store`.
        case listing(any ArrivalListing, interval: Duration, store: JobStateStore)
    }

    /// The bucket watched.
    public let bucket: String
    /// The key prefix watched.
    public let prefix: String
    /// The activity ARN prefix.
    public let activityPrefix: String
    let source: Source
    let notifier: ArrivalNotifier
    let retryPolicy: RetryPolicy
    let logger: Logger
    private let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation

    enum Event: Sendable {
        case received([S3ArrivalStateMachine.Message])
        case receiveFailed
        case listed([S3ArrivalStateMachine.ListedObject], isTruncated: Bool)
        case listingFailed
        case intervalElapsed
        case activityFinished(S3ObjectArrival, S3ArrivalStateMachine.Outcome)
        case shutdown
    }

    /// The cursor key of the listing watch in the state database: `s3://bucket/prefix`.
    public var sourceURL: String { "s3://\(bucket)/\(prefix)" }

    /// Creates a watcher; `retryPolicy` spaces out receives and listings after they failed.
    public init(
        bucket: String,
        prefix: String,
        activityPrefix: String,
        source: Source,
        notifier: ArrivalNotifier,
        retryPolicy: RetryPolicy = .default,
        logger: Logger
    ) {
        self.bucket = bucket
        self.prefix = prefix
        self.activityPrefix = activityPrefix
        self.source = source
        self.notifier = notifier
        self.retryPolicy = retryPolicy
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: Event.self)
    }

    /// Stops the watch (see the type's documentation).
    public func shutdown() { continuation.yield(.shutdown) }

    /// Watches until shut down.
    public func run() async throws {
        var machine: S3ArrivalStateMachine
        switch source {
        case .queue(let queue):
            machine = S3ArrivalStateMachine(
                bucket: bucket,
                prefix: prefix,
                activityPrefix: activityPrefix,
                source: .queue
            )
            logger.info("watching", metadata: ["queue": "\(queue.name)", "source": "\(sourceURL)"])
        case .listing(_, _, let store):
            let cursor = try store.arrivalCursor(source: sourceURL)
            machine = S3ArrivalStateMachine(
                bucket: bucket,
                prefix: prefix,
                activityPrefix: activityPrefix,
                source: .listing,
                announced: cursor.announced,
                startAfter: cursor.startAfter
            )
            logger.info(
                "watching",
                metadata: ["source": "\(sourceURL)", "announced": "\(cursor.announced.count)", "by": "listing"]
            )
        }
        await withGracefulShutdownHandler {
            await self.drive(&machine)
        } onGracefulShutdown: {
            self.shutdown()
        }
        logger.info("watch stopped")
    }

    private func drive(_ machine: inout S3ArrivalStateMachine) async {
        // At most one receive, listing or wait is in flight at a time: the one shutdown may cancel.
        var current: Task<Void, Never>?
        await withTaskGroup(of: Void.self) { group in
            var actions = machine.start()
            var iterator = events.makeAsyncIterator()
            while true {
                for action in actions {
                    if case .finished = action {
                        current?.cancel()
                        return
                    }
                    if let task = perform(action, group: &group) { current = task }
                }
                guard let event = await iterator.next() else { return }
                switch event {
                case .received(let messages): actions = machine.messagesReceived(messages)
                case .receiveFailed: actions = machine.receiveFailed()
                case .listed(let objects, let truncated):
                    actions = machine.listingPageReceived(objects, isTruncated: truncated)
                case .listingFailed: actions = machine.listingFailed()
                case .intervalElapsed: actions = machine.intervalElapsed()
                case .activityFinished(let arrival, let outcome): actions = machine.activityFinished(arrival, outcome)
                case .shutdown:
                    actions = machine.shutdown()
                    // Receives, listings and waits may be cut short; activity polls may not.
                    current?.cancel()
                }
            }
        }
    }

    /// Carries out one action; returns the task of a receive, listing or wait (which shutdown may cancel).
    private func perform(_ action: S3ArrivalStateMachine.Action, group: inout TaskGroup<Void>) -> Task<Void, Never>? {
        let continuation = self.continuation
        switch action {
        case .receiveMessages(let failures):
            guard case .queue(let queue) = source else { return nil }
            return Task {
                do {
                    try await self.backOff(failures)
                    continuation.yield(.received(try await queue.receive()))
                } catch {
                    if !(error is CancellationError) {
                        self.logger.warning("receiving from the queue failed", metadata: ["error": "\(error)"])
                    }
                    continuation.yield(.receiveFailed)
                }
            }
        case .listPage(let startAfter, let failures):
            guard case .listing(let listing, _, _) = source else { return nil }
            let (bucket, prefix) = (self.bucket, self.prefix)
            return Task {
                do {
                    try await self.backOff(failures)
                    let page = try await listing.page(bucket: bucket, prefix: prefix, startAfter: startAfter)
                    continuation.yield(.listed(page.objects, isTruncated: page.isTruncated))
                } catch {
                    if !(error is CancellationError) {
                        self.logger.warning("listing the bucket failed", metadata: ["error": "\(error)"])
                    }
                    continuation.yield(.listingFailed)
                }
            }
        case .waitForNextScan:
            guard case .listing(_, let interval, _) = source else { return nil }
            return Task {
                try? await Task.sleep(for: interval)
                continuation.yield(.intervalElapsed)
            }
        case .completeActivity(let arrival):
            group.addTask {
                let outcome = await self.announce(arrival)
                continuation.yield(.activityFinished(arrival, outcome))
            }
        case .deleteMessage(let handle, let reason):
            guard case .queue(let queue) = source else { return nil }
            switch reason {
            case .announced, .nothingToAnnounce: break
            case .malformed(let text):
                logger.warning("deleting a message that is not an S3 notification", metadata: ["reason": "\(text)"])
            }
            group.addTask {
                do {
                    try await queue.delete(receiptHandle: handle)
                } catch {
                    // The message comes back after its visibility timeout; announcing it again is harmless.
                    self.logger.warning("deleting a message failed", metadata: ["error": "\(error)"])
                }
            }
        case .recordAnnounced(let upload, let arrival, let outcome):
            guard case .listing(_, _, let store) = source else { return nil }
            do {
                try store.recordAnnounced(source: sourceURL, upload: upload, arrival: arrival, outcome: outcome)
            } catch {
                logger.error("cannot record an announced arrival", metadata: ["error": "\(error)"])
            }
        case .persistCursor(let startAfter):
            guard case .listing(_, _, let store) = source else { return nil }
            do {
                try store.saveArrivalCursor(source: sourceURL, startAfter: startAfter)
            } catch {
                logger.error("cannot record the listing cursor", metadata: ["error": "\(error)"])
            }
        case .finished:
            break
        }
        return nil
    }

    private func backOff(_ failures: Int) async throws {
        guard failures > 0 else { return }
        try await Task.sleep(for: retryPolicy.delay(forRetry: min(failures - 1, 10)))
    }

    /// Polls the arrival's activity once and completes the task it brings.
    private func announce(_ arrival: S3ObjectArrival) async -> S3ArrivalStateMachine.Outcome {
        var logger = self.logger
        logger[metadataKey: "activity"] = "\(arrival.activityArn)"
        logger[metadataKey: "object"] = "\(arrival.url)"
        do {
            if try await notifier.complete(activityArn: arrival.activityArn, output: arrival.output) {
                logger.info("data arrival reported", metadata: ["size": "\(arrival.size)", "etag": "\(arrival.eTag)"])
                return .completed
            }
            logger.info("no execution is waiting for this arrival")
            return .noWaitingExecution
        } catch let error as StepFunctionsError where !error.isRetryable {
            logger.error("cannot report the arrival", metadata: ["error": "\(error)"])
            return .failed
        } catch {
            logger.warning("reporting the arrival failed; it is tried again later", metadata: ["error": "\(error)"])
            return .failedRetryably
        }
    }
}
