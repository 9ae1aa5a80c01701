/// Whether the job state counts as locked, from probes of its write lock taken at given times. Pure, so that the
/// rule is tested without a clock: a probe answered "busy" only starts a watch, since the worker's own write of a
/// few milliseconds also makes a probe busy; the state counts as locked once probes have found the lock taken for
/// at least ``patience`` with no free probe in between. One free probe ends the watch.
struct JobStateLockWatch: Sendable {
    /// How long the lock must be seen taken before the state counts as locked.
    var patience: Duration = .seconds(1)
    private var busySince: ContinuousClock.Instant?

    /// Records one probe at `now`: `nil` when the lock was free, else why it was not. Returns the problem to report,
    /// if the state counts as locked.
    mutating func probed(busy: String?, at now: ContinuousClock.Instant) -> String? {
        guard let busy else {
            busySince = nil
            return nil
        }
        let since = busySince ?? now
        busySince = since
        let held = now - since
        guard held >= patience else { return nil }
        return "locked by another connection for \(held.components.seconds) s (\(busy))"
    }
}
