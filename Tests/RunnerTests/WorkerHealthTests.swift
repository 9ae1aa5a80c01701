import Testing

@testable import Runner

/// The rules of `GET /healthz` and `GET /readyz`, without a clock.
@Suite struct WorkerHealthTests {
    typealias Snapshot = WorkerHealth.Snapshot

    static let threshold = Duration.seconds(120)

    func snapshot(
        shuttingDown: Bool = false,
        polledOnce: Bool = true,
        failingFor: Duration? = nil,
        store: String? = nil
    ) -> Snapshot {
        Snapshot(shuttingDown: shuttingDown, polledOnce: polledOnce, pollsFailingFor: failingFor, storeProblem: store)
    }

    @Test func aPollingWorkerIsHealthyAndReady() {
        let health = WorkerHealth.liveness(snapshot(), threshold: Self.threshold)
        #expect(health == WorkerHealth(isHealthy: true, reason: nil))
        #expect(WorkerHealth.readiness(snapshot(), threshold: Self.threshold).isHealthy)
    }

    @Test func beforeTheFirstAnsweredPollItIsLiveButNotReady() {
        let starting = snapshot(polledOnce: false)
        #expect(WorkerHealth.liveness(starting, threshold: Self.threshold).isHealthy)
        #expect(
            WorkerHealth.readiness(starting, threshold: Self.threshold)
                == WorkerHealth(isHealthy: false, reason: "no poll answered yet")
        )
    }

    @Test func shuttingDownIsUnhealthyWhateverElseHolds() {
        for other in [snapshot(shuttingDown: true), snapshot(shuttingDown: true, failingFor: .seconds(500))] {
            #expect(
                WorkerHealth.liveness(other, threshold: Self.threshold)
                    == WorkerHealth(isHealthy: false, reason: "shutting down")
            )
            #expect(!WorkerHealth.readiness(other, threshold: Self.threshold).isHealthy)
        }
    }

    @Test func pollsFailingLongerThanTheThresholdAreUnhealthy() {
        #expect(WorkerHealth.liveness(snapshot(failingFor: .seconds(119)), threshold: Self.threshold).isHealthy)
        #expect(WorkerHealth.liveness(snapshot(failingFor: .seconds(120)), threshold: Self.threshold).isHealthy)
        #expect(
            WorkerHealth.liveness(snapshot(failingFor: .seconds(121)), threshold: Self.threshold)
                == WorkerHealth(isHealthy: false, reason: "polls have failed for 121 s")
        )
    }

    @Test func aStateThatCannotBeWrittenIsUnhealthy() {
        let health = WorkerHealth.liveness(snapshot(store: "/var/lib/sluice is read-only"), threshold: Self.threshold)
        #expect(
            health
                == WorkerHealth(
                    isHealthy: false,
                    reason: "the job state cannot be written: /var/lib/sluice is read-only"
                )
        )
    }

    /// A busy probe of the state's write lock counts only once the lock has been seen taken for the patience.
    @Test func aLockCountsOnlyOnceSeenHeldForASecond() {
        var watch = JobStateLockWatch()
        let start = ContinuousClock.now
        #expect(watch.probed(busy: nil, at: start) == nil)
        #expect(watch.probed(busy: "database is locked", at: start + .milliseconds(10)) == nil, "maybe our own write")
        #expect(watch.probed(busy: nil, at: start + .milliseconds(300)) == nil, "free: the watch ends")
        #expect(watch.probed(busy: "database is locked", at: start + .milliseconds(900)) == nil)
        #expect(watch.probed(busy: "database is locked", at: start + .milliseconds(1_800)) == nil, "0.9 s < 1 s")
        #expect(
            watch.probed(busy: "database is locked", at: start + .milliseconds(4_000))
                == "locked by another connection for 3 s (database is locked)"
        )
        #expect(watch.probed(busy: nil, at: start + .milliseconds(4_100)) == nil)
        #expect(watch.probed(busy: "database is locked", at: start + .milliseconds(4_200)) == nil, "a new watch")
    }
}
