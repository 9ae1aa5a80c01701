import Foundation
import Logging
import Runner
import TestSupport
import Testing

@Suite struct DirectoryWatcherTests {
    static let prefix = "arn:aws:states:us-east-1:123456789012:activity:landing"

    func reported(_ service: FakeActivityService) throws -> [String: [String: Any]] {
        var result: [String: [String: Any]] = [:]
        for (token, output) in service.successes {
            result[token] = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        }
        return result
    }

    @Test func csvFilesAreReportedOnceWhenTheyHaveFinishedArriving() async throws {
        let directory = try Paths.temporaryDirectory("sluice-watch")
        let service = FakeActivityService()
        for index in 0..<10 { service.enqueue("t\(index)", "{}") }
        let watcher = DirectoryWatcher(
            directory: directory,
            activityPrefix: Self.prefix,
            // When a file counts as arrived is FileArrivalTrackerTests' concern; this test is the directory's.
            interval: .milliseconds(300),
            notifier: ArrivalNotifier(service: service, logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() }),
            logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() }
        )
        // Already there before the watch starts (settled): reported. Hidden and non-CSV files: ignored.
        try Data("a,b\n1,2\n".utf8).write(to: directory.appendingPathComponent("early.csv"))
        try Data("x".utf8).write(to: directory.appendingPathComponent(".hidden.csv"))
        try Data("x".utf8).write(to: directory.appendingPathComponent("notes.txt"))
        let early = Date().addingTimeInterval(-10)
        try FileManager.default.setAttributes(
            [.modificationDate: early],
            ofItemAtPath: directory.appendingPathComponent("early.csv").path
        )
        let running = Task { try await watcher.run() }
        #expect(await eventually { service.successes.count == 1 })

        // A file written in pieces is reported once it is complete.
        let growing = directory.appendingPathComponent("growing.csv")
        let handle = try FileHandle(
            forWritingTo: { () -> URL in
                _ = FileManager.default.createFile(atPath: growing.path, contents: nil)
                return growing
            }()
        )
        for piece in 0..<6 {
            try handle.write(contentsOf: Data("row \(piece)\n".utf8))
        }
        try handle.close()
        #expect(await eventually { service.successes.count == 2 })

        // Rewritten: a new arrival, reported again.
        try Data("a,b\n1,2\n3,4\n".utf8).write(to: directory.appendingPathComponent("early.csv"))
        #expect(await eventually { service.successes.count == 3 })

        watcher.shutdown()
        try await running.value
        let outputs = try reported(service).values.sorted { ($0["bytes"] as? Int ?? 0) < ($1["bytes"] as? Int ?? 0) }
        let keys = outputs.map { $0["S3Key"] as? String ?? "?" }
        #expect(Set(keys) == ["early.csv", "growing.csv"])
        #expect(keys.filter { $0 == "early.csv" }.count == 2)
        for output in outputs {
            let key = try #require(output["S3Key"] as? String)
            #expect(output["SFNActivityArn"] as? String == "\(Self.prefix)-\(key)")
            #expect(output["S3BucketName"] as? String == "landing")
            #expect(output["path"] as? String == directory.appendingPathComponent(key).standardizedFileURL.path)
        }
        let growingOutput = try #require(outputs.first { $0["S3Key"] as? String == "growing.csv" })
        #expect((growingOutput["bytes"] as? NSNumber)?.intValue == 36)
    }

    @Test func aMissingDirectoryIsAClearError() async throws {
        let watcher = DirectoryWatcher(
            directory: URL(fileURLWithPath: "/nonexistent/landing"),
            activityPrefix: Self.prefix,
            notifier: ArrivalNotifier(
                service: FakeActivityService(),
                logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() }
            ),
            logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() }
        )
        await #expect {
            try await watcher.run()
        } throws: { error in
            "\(error)" == "/nonexistent/landing: not a directory"
        }
    }

    @Test func noticesDeriveTheBucketFromTheActivityName() throws {
        let directory = try Paths.temporaryDirectory("sluice-notice")
        let file = directory.appendingPathComponent("SalesPipeline_QuickSightSample.csv")
        try Data(count: 1234).write(to: file)
        let seed = try ArrivalNotifier.notice(
            for: file.path,
            activityArn: "arn:aws:states:us-east-1:1:activity:my-bucket-SalesPipeline_QuickSightSample.csv"
        )
        #expect(seed.bucket == "my-bucket")
        #expect(seed.key == "SalesPipeline_QuickSightSample.csv")
        #expect(seed.bytes == 1234)
        let other = try ArrivalNotifier.notice(for: file.path, activityArn: "arn:aws:states:us-east-1:1:activity:Wait")
        #expect(other.bucket == "Wait")
        let named = try ArrivalNotifier.notice(for: file.path, activityArn: "arn:x:activity:Wait", bucket: "b")
        #expect(named.bucket == "b")
        #expect(throws: ArrivalError.self) {
            try ArrivalNotifier.notice(for: directory.path, activityArn: "arn:x:activity:Wait")
        }
    }
}
