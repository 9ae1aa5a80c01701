import Foundation

/// Which files of a watched directory have finished arriving, scan after scan: the decision of
/// ``DirectoryWatcher``, pure (the scans and the time are given to it), so that it is tested without a clock.
///
/// A file has finished arriving when its size and modification time are the same on two scans in a row, or, on
/// first sight, when it was last modified more than one interval ago (a file renamed into place, or one that was
/// there before the watch began). Each arrival (a new size or modification time) is reported once.
struct FileArrivalTracker: Sendable {
    /// What identifies one version of a file.
    struct Signature: Sendable, Hashable {
        /// The size in bytes.
        var size: Int64
        /// The modification time.
        var modified: Date
    }

    /// The time between scans.
    let interval: TimeInterval
    private var previous: [String: Signature] = [:]
    private var reported: [String: Signature] = [:]

    /// A tracker for scans `interval` seconds apart.
    init(interval: TimeInterval) {
        self.interval = interval
    }

    /// A scan at `now` found `current`; returns the names that have finished arriving since the last scan, sorted.
    mutating func scanned(_ current: [String: Signature], at now: Date) -> [String] {
        var arrived: [String] = []
        for (name, signature) in current.sorted(by: { $0.key < $1.key }) where reported[name] != signature {
            let stable = previous[name] == signature
            let settled = previous[name] == nil && now.timeIntervalSince(signature.modified) > interval
            guard stable || settled else { continue }
            reported[name] = signature
            arrived.append(name)
        }
        previous = current
        return arrived
    }
}
