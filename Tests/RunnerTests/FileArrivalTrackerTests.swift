import Foundation
import Testing

@testable import Runner

/// When a watched directory's files have finished arriving, scan by scan, without a clock.
@Suite struct FileArrivalTrackerTests {
    typealias Signature = FileArrivalTracker.Signature

    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// The time of scan `n`, one second apart.
    func at(_ scan: Int) -> Date { Self.start.addingTimeInterval(Double(scan)) }

    func file(_ size: Int64, modified scan: Double) -> Signature {
        Signature(size: size, modified: Self.start.addingTimeInterval(scan))
    }

    @Test func aGrowingFileIsReportedOnlyOnceItStopsChanging() {
        var tracker = FileArrivalTracker(interval: 1)
        // A new piece before every scan: never the same twice in a row.
        for scan in 0..<6 {
            let growing = file(Int64(10 * (scan + 1)), modified: Double(scan) - 0.1)
            #expect(tracker.scanned(["growing.csv": growing], at: at(scan)).isEmpty, "scan \(scan)")
        }
        let done = file(60, modified: 4.9)
        #expect(tracker.scanned(["growing.csv": done], at: at(6)) == ["growing.csv"])
        #expect(tracker.scanned(["growing.csv": done], at: at(7)).isEmpty, "reported once")
        #expect(tracker.scanned(["growing.csv": done], at: at(8)).isEmpty)
    }

    @Test func aFileAlreadySettledOnFirstSightIsReportedAtOnce() {
        var tracker = FileArrivalTracker(interval: 1)
        let old = file(8, modified: -10)
        let fresh = file(8, modified: -0.5)
        #expect(tracker.scanned(["old.csv": old, "fresh.csv": fresh], at: at(0)) == ["old.csv"])
        // The fresh one is the same on the next scan: finished.
        #expect(tracker.scanned(["old.csv": old, "fresh.csv": fresh], at: at(1)) == ["fresh.csv"])
    }

    @Test func aRewrittenFileIsANewArrival() {
        var tracker = FileArrivalTracker(interval: 1)
        let first = file(8, modified: -10)
        #expect(tracker.scanned(["a.csv": first], at: at(0)) == ["a.csv"])
        let second = file(12, modified: 0.5)
        #expect(tracker.scanned(["a.csv": second], at: at(1)).isEmpty, "changed since the last scan")
        #expect(tracker.scanned(["a.csv": second], at: at(2)) == ["a.csv"])
        // Rewritten back to the first version: a new arrival (it differs from the one reported last), once stable.
        #expect(tracker.scanned(["a.csv": first], at: at(3)).isEmpty)
        #expect(tracker.scanned(["a.csv": first], at: at(4)) == ["a.csv"])
    }

    @Test func aRemovedAndRestoredFileIsReportedAgainOnlyIfItChanged() {
        var tracker = FileArrivalTracker(interval: 1)
        let version = file(8, modified: -10)
        #expect(tracker.scanned(["a.csv": version], at: at(0)) == ["a.csv"])
        #expect(tracker.scanned([:], at: at(1)).isEmpty)
        #expect(tracker.scanned(["a.csv": version], at: at(2)).isEmpty, "the same version was reported")
    }

    @Test func arrivalsComeSortedByName() {
        var tracker = FileArrivalTracker(interval: 1)
        let files = Dictionary(uniqueKeysWithValues: ["c.csv", "a.csv", "b.csv"].map { ($0, file(1, modified: -5)) })
        #expect(tracker.scanned(files, at: at(0)) == ["a.csv", "b.csv", "c.csv"])
    }
}
