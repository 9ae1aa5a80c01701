import Foundation

/// The protocol logic of `sluice watch s3://bucket/prefix/`: which objects are new, which activity each one
/// completes, when an SQS message may be deleted and what cursor to persist. Pure: it takes events and returns
/// actions for ``S3ArrivalWatcher`` to carry out, and holds no clock.
///
/// Two sources:
/// - ``Source/queue``: SQS messages carrying the bucket's `s3:ObjectCreated:*` notifications. A message is deleted
///   only when every arrival it reports has completed its activity or found no execution waiting (or cannot ever
///   be announced: a malformed body, other buckets, prefixes or file types). A retryable failure leaves the message
///   in the queue, so SQS delivers it again after its visibility timeout: at-least-once, and an arrival already in
///   flight is not announced twice.
/// - ``Source/listing``: ListObjectsV2 pages under the prefix, scanned again after each interval. An upload (key,
///   ETag and LastModified) is announced once: it is recorded after its activity was completed or found no
///   execution waiting, and the scan's position (the last key of the last page handled) is persisted, so a
///   restarted watcher with the recorded state misses nothing and repeats nothing.
public struct S3ArrivalStateMachine: Sendable {
    /// Where arrivals come from.
    public enum Source: Sendable, Hashable {
        /// SQS messages with S3 event notifications.
        case queue
        /// ListObjectsV2 polling.
        case listing
    }

    /// An SQS message.
    public struct Message: Sendable, Hashable {
        /// The message id, for logs.
        public var id: String
        /// The handle that deletes it.
        public var receiptHandle: String
        /// The body: an S3 event notification.
        public var body: String

        /// Creates a message.
        public init(id: String, receiptHandle: String, body: String) {
            self.id = id
            self.receiptHandle = receiptHandle
            self.body = body
        }
    }

    /// An object of a listing page.
    public struct ListedObject: Sendable, Hashable {
        /// The key.
        public var key: String
        /// The size in bytes.
        public var size: Int64
        /// The ETag (quotes are removed).
        public var eTag: String
        /// `LastModified`, as listed.
        public var lastModified: String?

        /// Creates a listed object.
        public init(key: String, size: Int64, eTag: String, lastModified: String?) {
            self.key = key
            self.size = size
            self.eTag = eTag
            self.lastModified = lastModified
        }
    }

    /// What identifies one upload of an object.
    public struct Upload: Sendable, Hashable {
        /// The key.
        public var key: String
        /// The ETag, without quotes.
        public var eTag: String
        /// `LastModified` (listing only; `nil` for notifications, which carry none).
        public var lastModified: String?

        /// Creates an upload identity.
        public init(key: String, eTag: String, lastModified: String?) {
            self.key = key
            self.eTag = eTag
            self.lastModified = lastModified
        }
    }

    /// How the completion of an arrival's activity ended.
    public enum Outcome: String, Sendable, Hashable {
        /// A waiting execution's task was completed.
        case completed
        /// No execution was waiting (the poll came back empty).
        case noWaitingExecution
        /// It failed and trying again cannot help (e.g. no such activity).
        case failed
        /// It failed and may succeed later (throttling, network).
        case failedRetryably
    }

    /// Why a message is deleted.
    public enum DeleteReason: Sendable, Hashable {
        /// Every arrival it reports was announced.
        case announced
        /// It reports nothing this watcher announces (the test event, other buckets, prefixes or file types).
        case nothingToAnnounce
        /// Its body is not an S3 event notification.
        case malformed(String)
    }

    /// What the driver does next.
    public enum Action: Sendable, Hashable {
        /// Long-poll the queue; `afterFailures` consecutive receives have failed (back off that much first).
        case receiveMessages(afterFailures: Int)
        /// Ask for the listing page after `startAfter` (`nil`: from the start); back off after failures.
        case listPage(startAfter: String?, afterFailures: Int)
        /// Wait one interval, then report ``intervalElapsed()``.
        case waitForNextScan
        /// Poll the arrival's activity once and complete the task it brings; report ``activityFinished(_:_:)``.
        case completeActivity(S3ObjectArrival)
        /// Delete a message.
        case deleteMessage(receiptHandle: String, reason: DeleteReason)
        /// Persist that `upload` was announced (listing).
        case recordAnnounced(Upload, S3ObjectArrival, Outcome)
        /// Persist the scan's position (listing): the next page starts after this key; `nil` at the end of a scan.
        case persistCursor(startAfter: String?)
        /// Shut down and idle: nothing is in flight any more.
        case finished
    }

    /// The bucket watched.
    public let bucket: String
    /// The key prefix watched (`""` for the whole bucket).
    public let prefix: String
    /// The activity ARN prefix: an object `…/name.csv` completes `<activityPrefix>-name.csv`.
    public let activityPrefix: String
    /// The source of arrivals.
    public let source: Source
    /// The most arrivals in flight: the queue is not received from, nor the listing continued, beyond it.
    public let maxInFlight: Int

    /// The uploads announced (listing).
    public private(set) var announced: Set<Upload>
    /// Where the scan in progress continues (listing).
    public private(set) var startAfter: String?
    /// Arrivals whose activity is being completed, with the receipt handles of the messages that report each.
    private var inFlight: [Upload: [String]] = [:]
    /// The uploads each received message waits for.
    private var pending: [String: Set<Upload>] = [:]
    /// Messages an arrival of which failed retryably: they are left for SQS to deliver again.
    private var keep: Set<String> = []
    private var receiving = false
    private var listing = false
    private var waiting = false
    private var waitingForRoom = false
    private var failures = 0
    private var stopping = false
    private var finishedReported = false

    /// Creates the state machine; `announced` and `startAfter` are the persisted listing cursor, if any.
    public init(
        bucket: String,
        prefix: String,
        activityPrefix: String,
        source: Source,
        announced: Set<Upload> = [],
        startAfter: String? = nil,
        maxInFlight: Int = 16
    ) {
        self.bucket = bucket
        self.prefix = prefix
        self.activityPrefix = activityPrefix
        self.source = source
        self.announced = announced
        self.startAfter = startAfter
        self.maxInFlight = max(1, maxInFlight)
    }

    /// The number of arrivals whose activity is being completed.
    public var inFlightCount: Int { inFlight.count }

    /// Whether an object `key` is watched: under the prefix, a `.csv` file name not starting with `.`.
    public func watches(key: String) -> Bool {
        guard key.hasPrefix(prefix) else { return false }
        let name = key.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? key
        return !name.hasPrefix(".") && name.lowercased().hasSuffix(".csv") && name.count > 4
    }

    /// The activity an object's arrival completes.
    public func activityArn(forKey key: String) -> String {
        "\(activityPrefix)-\(key.split(separator: "/", omittingEmptySubsequences: false).last ?? "")"
    }

    /// The first actions.
    public mutating func start() -> [Action] {
        switch source {
        case .queue:
            receiving = true
            return [.receiveMessages(afterFailures: 0)]
        case .listing:
            listing = true
            return [.listPage(startAfter: startAfter, afterFailures: 0)]
        }
    }

    /// A receive returned `messages` (possibly none).
    public mutating func messagesReceived(_ messages: [Message]) -> [Action] {
        receiving = false
        failures = 0
        // Messages received while stopping are left alone: SQS delivers them again after their visibility timeout.
        guard !stopping else { return finishIfIdle() }
        var actions: [Action] = []
        for message in messages where pending[message.receiptHandle] == nil {
            let created: [S3EventRecords.Created]
            do {
                created = try S3EventRecords.created(in: message.body)
            } catch {
                actions.append(.deleteMessage(receiptHandle: message.receiptHandle, reason: .malformed("\(error)")))
                continue
            }
            let relevant = created.filter { $0.bucket == bucket && watches(key: $0.key) }
            guard !relevant.isEmpty else {
                actions.append(.deleteMessage(receiptHandle: message.receiptHandle, reason: .nothingToAnnounce))
                continue
            }
            var uploads = Set<Upload>()
            for object in relevant {
                let upload = Upload(key: object.key, eTag: object.eTag, lastModified: nil)
                guard uploads.insert(upload).inserted else { continue }
                if inFlight[upload] != nil {
                    inFlight[upload]!.append(message.receiptHandle)
                } else {
                    inFlight[upload] = [message.receiptHandle]
                    let arrival = S3ObjectArrival(
                        bucket: bucket,
                        key: object.key,
                        size: object.size,
                        eTag: object.eTag,
                        activityArn: activityArn(forKey: object.key)
                    )
                    actions.append(.completeActivity(arrival))
                }
            }
            pending[message.receiptHandle] = uploads
        }
        actions += receiveIfRoom()
        return actions
    }

    /// A receive failed (after the client's own retries).
    public mutating func receiveFailed() -> [Action] {
        receiving = false
        guard !stopping else { return finishIfIdle() }
        failures += 1
        receiving = true
        return [.receiveMessages(afterFailures: failures)]
    }

    /// A listing page came back: its objects in key order, and whether more follow.
    ///
    /// At most ``maxInFlight`` arrivals are in flight: when a page brings more, the rest of it is listed again
    /// (after the last object handled) once an arrival has finished.
    public mutating func listingPageReceived(_ objects: [ListedObject], isTruncated: Bool) -> [Action] {
        listing = false
        failures = 0
        guard !stopping else { return finishIfIdle() }
        var actions: [Action] = []
        var lastHandled: String?
        var full = false
        for object in objects {
            let upload = Upload(
                key: object.key,
                eTag: object.eTag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")),
                lastModified: object.lastModified
            )
            if watches(key: object.key), !announced.contains(upload), inFlight[upload] == nil {
                guard inFlight.count < maxInFlight else {
                    full = true
                    break
                }
                inFlight[upload] = []
                let arrival = S3ObjectArrival(
                    bucket: bucket,
                    key: object.key,
                    size: object.size,
                    eTag: object.eTag,
                    lastModified: object.lastModified,
                    activityArn: activityArn(forKey: object.key)
                )
                actions.append(.completeActivity(arrival))
            }
            lastHandled = object.key
        }
        if full {
            startAfter = lastHandled ?? startAfter
            waitingForRoom = true
            actions.append(.persistCursor(startAfter: startAfter))
        } else if isTruncated, let last = objects.last?.key {
            startAfter = last
            listing = true
            actions += [.persistCursor(startAfter: last), .listPage(startAfter: last, afterFailures: 0)]
        } else {
            startAfter = nil
            waiting = true
            actions += [.persistCursor(startAfter: nil), .waitForNextScan]
        }
        return actions
    }

    /// A listing request failed (after the client's own retries).
    public mutating func listingFailed() -> [Action] {
        listing = false
        guard !stopping else { return finishIfIdle() }
        failures += 1
        listing = true
        return [.listPage(startAfter: startAfter, afterFailures: failures)]
    }

    /// The interval after a complete scan has passed.
    public mutating func intervalElapsed() -> [Action] {
        waiting = false
        guard !stopping else { return finishIfIdle() }
        listing = true
        return [.listPage(startAfter: nil, afterFailures: 0)]
    }

    /// The completion of `arrival`'s activity ended with `outcome`.
    public mutating func activityFinished(_ arrival: S3ObjectArrival, _ outcome: Outcome) -> [Action] {
        let upload = Upload(
            key: arrival.key,
            eTag: arrival.eTag,
            lastModified: source == .listing ? arrival.lastModified : nil
        )
        guard let handles = inFlight.removeValue(forKey: upload) else { return [] }
        var actions: [Action] = []
        switch source {
        case .listing:
            // A retryable failure is not recorded: the next scan announces the upload again.
            if outcome != .failedRetryably {
                announced.insert(upload)
                actions.append(.recordAnnounced(upload, arrival, outcome))
            }
            if waitingForRoom, !stopping, inFlight.count < maxInFlight {
                waitingForRoom = false
                listing = true
                actions.append(.listPage(startAfter: startAfter, afterFailures: 0))
            }
        case .queue:
            for handle in handles {
                if outcome == .failedRetryably { keep.insert(handle) }
                pending[handle]?.remove(upload)
                guard pending[handle]?.isEmpty == true else { continue }
                pending[handle] = nil
                if keep.remove(handle) == nil {
                    actions.append(.deleteMessage(receiptHandle: handle, reason: .announced))
                }
            }
            if !stopping { actions += receiveIfRoom() }
        }
        return actions + finishIfIdle()
    }

    /// Stop: no new receive, listing or announcement starts; ``Action/finished`` comes once nothing is in flight.
    /// The driver may cancel a receive or listing in flight (and report it as failed); it must not cancel an
    /// activity completion, whose poll may hold a task.
    public mutating func shutdown() -> [Action] {
        stopping = true
        waiting = false
        waitingForRoom = false
        return finishIfIdle()
    }

    private mutating func receiveIfRoom() -> [Action] {
        guard source == .queue, !receiving, !stopping, inFlight.count < maxInFlight else { return [] }
        receiving = true
        return [.receiveMessages(afterFailures: 0)]
    }

    private mutating func finishIfIdle() -> [Action] {
        guard stopping, !finishedReported, inFlight.isEmpty, !receiving, !listing, !waiting else { return [] }
        finishedReported = true
        return [.finished]
    }
}
