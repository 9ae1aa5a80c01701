import Foundation
import Runner
import Testing

/// The S3 arrival watcher's protocol logic, event by event, without clocks or peers.
@Suite struct S3ArrivalStateMachineTests {
    static let prefix = "arn:aws:states:us-east-1:123456789012:activity:data-bucket"

    static func machine(
        _ source: S3ArrivalStateMachine.Source,
        announced: Set<S3ArrivalStateMachine.Upload> = [],
        startAfter: String? = nil,
        maxInFlight: Int = 16
    ) -> S3ArrivalStateMachine {
        S3ArrivalStateMachine(
            bucket: "data-bucket",
            prefix: "sales/",
            activityPrefix: prefix,
            source: source,
            announced: announced,
            startAfter: startAfter,
            maxInFlight: maxInFlight
        )
    }

    /// An S3 notification body in AWS's record shape.
    static func body(_ records: [(event: String, bucket: String, key: String, size: Int, eTag: String)]) -> String {
        let items = records.map { record in
            #"{"eventVersion": "2.1", "eventSource": "aws:s3", "eventName": "\#(record.event)", "#
                + #""eventTime": "2026-12-04T03:00:00.000Z", "s3": {"s3SchemaVersion": "1.0", "#
                + #""bucket": {"name": "\#(record.bucket)", "arn": "arn:aws:s3:::\#(record.bucket)"}, "#
                + #""object": {"key": "\#(record.key)", "size": \#(record.size), "eTag": "\#(record.eTag)"}}}"#
        }
        return #"{"Records": [\#(items.joined(separator: ", "))]}"#
    }

    static func message(_ handle: String, _ body: String) -> S3ArrivalStateMachine.Message {
        .init(id: "id-\(handle)", receiptHandle: handle, body: body)
    }

    static func arrival(
        _ key: String,
        size: Int64 = 10,
        eTag: String = "e1",
        lastModified: String? = nil
    )
        -> S3ObjectArrival
    {
        let name = key.split(separator: "/").last.map(String.init) ?? key
        return S3ObjectArrival(
            bucket: "data-bucket",
            key: key,
            size: size,
            eTag: eTag,
            lastModified: lastModified,
            activityArn: "\(prefix)-\(name)"
        )
    }

    @Test func eventRecordsAreDecodedAsTheSeedLambdaDoes() throws {
        let created = try S3EventRecords.created(
            in: Self.body([
                ("ObjectCreated:Put", "b", "sales/Sales+Pipeline%20%282%29.csv", 123, "abc"),
                ("ObjectRemoved:Delete", "b", "sales/gone.csv", 0, ""),
                ("ObjectCreated:CompleteMultipartUpload", "b", "sales/caf%C3%A9%2Bx.csv", 7, "\\\"q-2\\\""),
            ])
        )
        #expect(
            created.map { [$0.bucket, $0.key, "\($0.size)", $0.eTag] } == [
                ["b", "sales/Sales Pipeline (2).csv", "123", "abc"], ["b", "sales/café+x.csv", "7", "q-2"],
            ]
        )
        #expect(created.first?.eventTime == "2026-12-04T03:00:00.000Z")
        #expect(try S3EventRecords.created(in: #"{"Service": "Amazon S3", "Event": "s3:TestEvent"}"#).isEmpty)
        #expect(throws: S3EventRecords.FormatError.self) { try S3EventRecords.created(in: "not json") }
        #expect(throws: S3EventRecords.FormatError.self) { try S3EventRecords.created(in: #"{"Records": 3}"#) }
    }

    @Test func outputHasTheSeedLambdasKeysWithSizeAndETag() throws {
        let output = Self.arrival("sales/SalesPipeline_QuickSightSample.csv", size: 2_011_246, eTag: "\"f00\"").output
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(object["S3BucketName"] as? String == "data-bucket")
        #expect(object["S3Key"] as? String == "sales/SalesPipeline_QuickSightSample.csv")
        #expect(object["SFNActivityArn"] as? String == "\(Self.prefix)-SalesPipeline_QuickSightSample.csv")
        #expect(object["size"] as? Int == 2_011_246)
        #expect(object["bytes"] as? Int == 2_011_246)
        #expect(object["eTag"] as? String == "f00")
        #expect(object["path"] as? String == "s3://data-bucket/sales/SalesPipeline_QuickSightSample.csv")
        #expect(object.count == 7)
    }

    @Test func aQueueMessageIsDeletedOnlyAfterItsArrivalsFinished() {
        var machine = Self.machine(.queue)
        #expect(machine.start() == [.receiveMessages(afterFailures: 0)])
        let body = Self.body([
            ("ObjectCreated:Put", "data-bucket", "sales/a.csv", 10, "e1"),
            ("ObjectCreated:Put", "data-bucket", "sales/b.csv", 20, "e2"),
        ])
        let a = Self.arrival("sales/a.csv", size: 10, eTag: "e1")
        let b = Self.arrival("sales/b.csv", size: 20, eTag: "e2")
        #expect(
            machine.messagesReceived([Self.message("h1", body)]) == [
                .completeActivity(a), .completeActivity(b), .receiveMessages(afterFailures: 0),
            ]
        )
        #expect(machine.activityFinished(a, .completed) == [])
        #expect(
            machine.activityFinished(b, .noWaitingExecution) == [
                .deleteMessage(receiptHandle: "h1", reason: .announced)
            ]
        )
        #expect(machine.inFlightCount == 0)
    }

    @Test func messagesWithNothingToAnnounceAreDeletedAtOnce() {
        var machine = Self.machine(.queue)
        _ = machine.start()
        let actions = machine.messagesReceived([
            Self.message("test", #"{"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "data-bucket"}"#),
            Self.message("other-bucket", Self.body([("ObjectCreated:Put", "elsewhere", "sales/a.csv", 1, "e")])),
            Self.message("other-prefix", Self.body([("ObjectCreated:Put", "data-bucket", "marketing/a.csv", 1, "e")])),
            Self.message("not-csv", Self.body([("ObjectCreated:Put", "data-bucket", "sales/a.json", 1, "e")])),
            Self.message("hidden", Self.body([("ObjectCreated:Put", "data-bucket", "sales/.a.csv", 1, "e")])),
            Self.message("removed", Self.body([("ObjectRemoved:Delete", "data-bucket", "sales/a.csv", 0, "")])),
            Self.message("garbage", "{"),
        ])
        #expect(actions.count == 8)
        for handle in ["test", "other-bucket", "other-prefix", "not-csv", "hidden", "removed"] {
            #expect(actions.contains(.deleteMessage(receiptHandle: handle, reason: .nothingToAnnounce)))
        }
        #expect(
            actions.contains { action in
                if case .deleteMessage("garbage", .malformed(let reason)) = action {
                    return reason.contains("not an S3 event notification")
                }
                return false
            }
        )
        #expect(actions.last == .receiveMessages(afterFailures: 0))
    }

    @Test func aRetryableFailureLeavesTheMessageForRedelivery() {
        var machine = Self.machine(.queue)
        _ = machine.start()
        let a = Self.arrival("sales/a.csv")
        let b = Self.arrival("sales/b.csv")
        _ = machine.messagesReceived([
            Self.message(
                "h1",
                Self.body([
                    ("ObjectCreated:Put", "data-bucket", "sales/a.csv", 10, "e1"),
                    ("ObjectCreated:Put", "data-bucket", "sales/b.csv", 10, "e1"),
                ])
            )
        ])
        #expect(machine.activityFinished(a, .failedRetryably) == [])
        #expect(machine.activityFinished(b, .completed) == [])
        #expect(machine.inFlightCount == 0)
        // Delivered again after its visibility timeout, under a new receipt handle: announced and deleted.
        let again = machine.messagesReceived([
            Self.message("h1-again", Self.body([("ObjectCreated:Put", "data-bucket", "sales/a.csv", 10, "e1")]))
        ])
        #expect(again == [.completeActivity(a), .receiveMessages(afterFailures: 0)])
        #expect(
            machine.activityFinished(a, .completed) == [.deleteMessage(receiptHandle: "h1-again", reason: .announced)]
        )
    }

    @Test func aDuplicateNotificationInFlightIsNotAnnouncedTwice() {
        var machine = Self.machine(.queue)
        _ = machine.start()
        let a = Self.arrival("sales/a.csv")
        let body = Self.body([("ObjectCreated:Put", "data-bucket", "sales/a.csv", 10, "e1")])
        #expect(
            machine.messagesReceived([Self.message("h1", body)]) == [
                .completeActivity(a), .receiveMessages(afterFailures: 0),
            ]
        )
        #expect(machine.messagesReceived([Self.message("h2", body)]) == [.receiveMessages(afterFailures: 0)])
        #expect(
            machine.activityFinished(a, .completed) == [
                .deleteMessage(receiptHandle: "h1", reason: .announced),
                .deleteMessage(receiptHandle: "h2", reason: .announced),
            ]
        )
        // A later upload of the same key with new content is a new arrival.
        let newer = Self.arrival("sales/a.csv", eTag: "e2")
        #expect(
            machine.messagesReceived([
                Self.message("h3", Self.body([("ObjectCreated:Put", "data-bucket", "sales/a.csv", 10, "e2")]))
            ]) == [.completeActivity(newer), .receiveMessages(afterFailures: 0)]
        )
    }

    @Test func receivingPausesWhileTooManyArrivalsAreInFlight() {
        var machine = Self.machine(.queue, maxInFlight: 2)
        _ = machine.start()
        let keys = ["sales/a.csv", "sales/b.csv"]
        let actions = machine.messagesReceived(
            keys.enumerated().map {
                Self.message("h\($0)", Self.body([("ObjectCreated:Put", "data-bucket", $1, 1, "e")]))
            }
        )
        #expect(actions == keys.map { .completeActivity(Self.arrival($0, size: 1, eTag: "e")) })
        #expect(
            machine.activityFinished(Self.arrival("sales/a.csv", size: 1, eTag: "e"), .completed) == [
                .deleteMessage(receiptHandle: "h0", reason: .announced), .receiveMessages(afterFailures: 0),
            ]
        )
    }

    @Test func receiveFailuresBackOffAndResetOnSuccess() {
        var machine = Self.machine(.queue)
        _ = machine.start()
        #expect(machine.receiveFailed() == [.receiveMessages(afterFailures: 1)])
        #expect(machine.receiveFailed() == [.receiveMessages(afterFailures: 2)])
        #expect(machine.messagesReceived([]) == [.receiveMessages(afterFailures: 0)])
        #expect(machine.receiveFailed() == [.receiveMessages(afterFailures: 1)])
    }

    @Test func shutdownWaitsForArrivalsInFlightAndLeavesLaterMessages() {
        var machine = Self.machine(.queue)
        _ = machine.start()
        let a = Self.arrival("sales/a.csv")
        let body = Self.body([("ObjectCreated:Put", "data-bucket", "sales/a.csv", 10, "e1")])
        _ = machine.messagesReceived([Self.message("h1", body)])
        #expect(machine.shutdown() == [])
        // The receive in flight is cancelled by the driver; what it brought stays in the queue.
        #expect(
            machine.messagesReceived([
                Self.message("h2", Self.body([("ObjectCreated:Put", "data-bucket", "sales/b.csv", 1, "e")]))
            ]) == []
        )
        #expect(
            machine.activityFinished(a, .completed) == [
                .deleteMessage(receiptHandle: "h1", reason: .announced), .finished,
            ]
        )
    }

    @Test func listingAnnouncesNewUploadsOncePageByPage() {
        var machine = Self.machine(.listing)
        #expect(machine.start() == [.listPage(startAfter: nil, afterFailures: 0)])
        let page1: [S3ArrivalStateMachine.ListedObject] = [
            .init(key: "sales/a.csv", size: 1, eTag: "\"e1\"", lastModified: "t1"),
            .init(key: "sales/notes.txt", size: 1, eTag: "\"e2\"", lastModified: "t1"),
        ]
        let a = Self.arrival("sales/a.csv", size: 1, eTag: "e1", lastModified: "t1")
        #expect(
            machine.listingPageReceived(page1, isTruncated: true) == [
                .completeActivity(a), .persistCursor(startAfter: "sales/notes.txt"),
                .listPage(startAfter: "sales/notes.txt", afterFailures: 0),
            ]
        )
        let b = Self.arrival("sales/b.csv", size: 2, eTag: "e3", lastModified: "t2")
        #expect(
            machine.listingPageReceived(
                [.init(key: "sales/b.csv", size: 2, eTag: "e3", lastModified: "t2")],
                isTruncated: false
            )
                == [.completeActivity(b), .persistCursor(startAfter: nil), .waitForNextScan]
        )
        let uploadA = S3ArrivalStateMachine.Upload(key: "sales/a.csv", eTag: "e1", lastModified: "t1")
        #expect(machine.activityFinished(a, .completed) == [.recordAnnounced(uploadA, a, .completed)])
        // b's poll failed retryably: not recorded, so the next scan announces it again; a is not repeated.
        #expect(machine.activityFinished(b, .failedRetryably) == [])
        #expect(machine.intervalElapsed() == [.listPage(startAfter: nil, afterFailures: 0)])
        let page2: [S3ArrivalStateMachine.ListedObject] = [
            .init(key: "sales/a.csv", size: 1, eTag: "e1", lastModified: "t1"),
            .init(key: "sales/b.csv", size: 2, eTag: "e3", lastModified: "t2"),
            .init(key: "sales/c.csv", size: 3, eTag: "e4", lastModified: "t3"),
        ]
        let c = Self.arrival("sales/c.csv", size: 3, eTag: "e4", lastModified: "t3")
        #expect(
            machine.listingPageReceived(page2, isTruncated: false) == [
                .completeActivity(b), .completeActivity(c), .persistCursor(startAfter: nil), .waitForNextScan,
            ]
        )
        // b is still in flight when the next scan sees it: not announced a second time.
        _ = machine.activityFinished(c, .noWaitingExecution)
        _ = machine.intervalElapsed()
        #expect(
            machine.listingPageReceived(page2, isTruncated: false) == [
                .persistCursor(startAfter: nil), .waitForNextScan,
            ]
        )
        // The same key uploaded again (new LastModified) is a new arrival.
        let again = Self.arrival("sales/a.csv", size: 1, eTag: "e1", lastModified: "t9")
        _ = machine.intervalElapsed()
        #expect(
            machine.listingPageReceived(
                [.init(key: "sales/a.csv", size: 1, eTag: "e1", lastModified: "t9")],
                isTruncated: false
            )
                == [.completeActivity(again), .persistCursor(startAfter: nil), .waitForNextScan]
        )
    }

    @Test func aRestartedListingResumesFromItsCursorAndRepeatsNothing() {
        let announced: Set<S3ArrivalStateMachine.Upload> = [.init(key: "sales/a.csv", eTag: "e1", lastModified: "t1")]
        var machine = Self.machine(.listing, announced: announced, startAfter: "sales/a.csv")
        #expect(machine.start() == [.listPage(startAfter: "sales/a.csv", afterFailures: 0)])
        #expect(machine.listingFailed() == [.listPage(startAfter: "sales/a.csv", afterFailures: 1)])
        let b = Self.arrival("sales/b.csv", size: 2, eTag: "e2", lastModified: "t2")
        #expect(
            machine.listingPageReceived(
                [.init(key: "sales/b.csv", size: 2, eTag: "e2", lastModified: "t2")],
                isTruncated: false
            )
                == [.completeActivity(b), .persistCursor(startAfter: nil), .waitForNextScan]
        )
        _ = machine.intervalElapsed()
        #expect(
            machine.listingPageReceived(
                [.init(key: "sales/a.csv", size: 1, eTag: "e1", lastModified: "t1")],
                isTruncated: false
            )
                == [.persistCursor(startAfter: nil), .waitForNextScan]
        )
        #expect(machine.shutdown() == [])
        #expect(
            machine.activityFinished(b, .completed) == [
                .recordAnnounced(.init(key: "sales/b.csv", eTag: "e2", lastModified: "t2"), b, .completed), .finished,
            ]
        )
    }

    @Test func listingPausesWhileTooManyArrivalsAreInFlight() {
        var machine = Self.machine(.listing, maxInFlight: 2)
        _ = machine.start()
        let page: [S3ArrivalStateMachine.ListedObject] = ["a", "b", "notes", "c"].map {
            .init(key: "sales/\($0).\($0 == "notes" ? "txt" : "csv")", size: 1, eTag: "e", lastModified: "t")
        }
        let a = Self.arrival("sales/a.csv", size: 1, eTag: "e", lastModified: "t")
        let b = Self.arrival("sales/b.csv", size: 1, eTag: "e", lastModified: "t")
        let c = Self.arrival("sales/c.csv", size: 1, eTag: "e", lastModified: "t")
        #expect(
            machine.listingPageReceived(page, isTruncated: false) == [
                .completeActivity(a), .completeActivity(b), .persistCursor(startAfter: "sales/notes.txt"),
            ]
        )
        #expect(
            machine.activityFinished(b, .completed) == [
                .recordAnnounced(.init(key: "sales/b.csv", eTag: "e", lastModified: "t"), b, .completed),
                .listPage(startAfter: "sales/notes.txt", afterFailures: 0),
            ]
        )
        #expect(
            machine.listingPageReceived([page[3]], isTruncated: false) == [
                .completeActivity(c), .persistCursor(startAfter: nil), .waitForNextScan,
            ]
        )
        #expect(machine.startAfter == nil)
        #expect(machine.inFlightCount == 2)
    }
}
