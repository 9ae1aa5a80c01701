import Foundation
import Logging
import Runner
import Synchronization
import TestSupport
import Testing

/// `sluice watch s3://…` without a queue: ListObjectsV2 pages, the cursor in the SQLite state, and a restart.
@Suite struct S3ArrivalListingTests {
    /// A bucket listing served page by page, as ListObjectsV2 with `start-after` does.
    final class FakeListing: ArrivalListing {
        struct State {
            var objects: [S3ArrivalStateMachine.ListedObject] = []
            var requests: [String?] = []
            var scans = 0
        }
        let state = Mutex(State())
        let pageSize: Int

        init(pageSize: Int) { self.pageSize = pageSize }

        func put(_ key: String, eTag: String, lastModified: String = "2026-12-04T03:00:00Z") {
            state.withLock { state in
                state.objects.removeAll { $0.key == key }
                state.objects.append(
                    .init(key: key, size: Int64(key.count), eTag: "\"\(eTag)\"", lastModified: lastModified)
                )
                state.objects.sort { $0.key < $1.key }
            }
        }

        var requests: [String?] { state.withLock { $0.requests } }
        var scans: Int { state.withLock { $0.scans } }

        func page(
            bucket: String,
            prefix: String,
            startAfter: String?
        ) async throws -> (
            objects: [S3ArrivalStateMachine.ListedObject], isTruncated: Bool
        ) {
            state.withLock { state in
                state.requests.append(startAfter)
                let after = state.objects.filter { $0.key.hasPrefix(prefix) && $0.key > (startAfter ?? "") }
                let page = Array(after.prefix(pageSize))
                if after.count <= pageSize { state.scans += 1 }
                return (page, after.count > pageSize)
            }
        }
    }

    static let prefix = "arn:aws:states:us-east-1:123456789012:activity:data-bucket"

    func watcher(_ listing: FakeListing, _ service: FakeActivityService, _ store: JobStateStore) -> S3ArrivalWatcher {
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        return S3ArrivalWatcher(
            bucket: "data-bucket",
            prefix: "sales/",
            activityPrefix: Self.prefix,
            source: .listing(listing, interval: .milliseconds(20), store: store),
            notifier: ArrivalNotifier(service: service, logger: logger),
            logger: logger
        )
    }

    @Test func newObjectsAreAnnouncedOnceAcrossARestart() async throws {
        let root = try Paths.temporaryDirectory("s3-listing")
        defer { try? FileManager.default.removeItem(at: root) }
        let database = root.appendingPathComponent("state.sqlite").path
        let listing = FakeListing(pageSize: 2)
        for (key, eTag) in [("sales/a.csv", "e1"), ("sales/b.csv", "e2"), ("sales/c.txt", "e3"), ("sales/d.csv", "e4")]
        {
            listing.put(key, eTag: eTag)
        }
        let service = FakeActivityService()
        for token in ["t1", "t2", "t3"] { service.enqueue(token, "{}") }

        let store = try JobStateStore(path: database)
        let first = watcher(listing, service, store)
        let running = Task { try await first.run() }
        #expect(await eventually { service.successes.count == 3 })
        #expect(
            try await eventually {
                try store.arrivalCursor(source: "s3://data-bucket/sales/").announced.count == 3
            }
        )
        first.shutdown()
        try await running.value
        let outputs = try service.successes.values.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(Set(outputs.compactMap { $0["S3Key"] as? String }) == ["sales/a.csv", "sales/b.csv", "sales/d.csv"])
        #expect(
            Set(outputs.compactMap { $0["SFNActivityArn"] as? String }) == [
                "\(Self.prefix)-a.csv", "\(Self.prefix)-b.csv", "\(Self.prefix)-d.csv",
            ]
        )
        #expect(Set(outputs.compactMap { $0["eTag"] as? String }) == ["e1", "e2", "e4"])
        // Pages of two, continued after the last key of the page before.
        #expect(Array(listing.requests.prefix(2)) == [nil, "sales/b.csv"])
        let cursor = try store.arrivalCursor(source: "s3://data-bucket/sales/")
        #expect(cursor.announced.map(\.key).sorted() == ["sales/a.csv", "sales/b.csv", "sales/d.csv"])

        // Restarted on the same state: a new object and a new upload of a are announced; b and d are not again.
        let polls = service.polls
        listing.put("sales/e.csv", eTag: "e5")
        listing.put("sales/a.csv", eTag: "e6", lastModified: "2026-12-04T04:00:00Z")
        for token in ["t4", "t5", "t6"] { service.enqueue(token, "{}") }
        let reopened = try JobStateStore(path: database)
        let second = watcher(listing, service, reopened)
        let scansBefore = listing.scans
        let again = Task { try await second.run() }
        #expect(await eventually { service.successes.count == 5 })
        // Two more whole scans after that: anything repeated would have been polled for by then.
        let scansAfter = listing.scans
        #expect(await eventually { listing.scans >= scansAfter + 2 })
        second.shutdown()
        try await again.value
        #expect(listing.scans > scansBefore)
        #expect(service.polls == polls + 2)
        #expect(service.successes["t6"] == nil)
        let keys = try [service.successes["t4"], service.successes["t5"]].map {
            try #require(try JSONSerialization.jsonObject(with: Data(($0 ?? "").utf8)) as? [String: Any])["S3Key"]
                as? String
        }
        #expect(Set(keys.compactMap { $0 }) == ["sales/a.csv", "sales/e.csv"])
        #expect(try reopened.arrivalCursor(source: "s3://data-bucket/sales/").announced.count == 5)
    }
}
