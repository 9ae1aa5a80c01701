import Columnar
import Engine
import Foundation
import Parquet

extension QueryExecutor {
    /// A plan's stream cut in two: the batches of `source`, each then passed through `step`, the per-batch work of
    /// the filters and projections above it (and a scan's type normalization). `step` depends on nothing but its
    /// batch, so several threads may run it at once, one batch each; it returns `nil` for a batch it filters out.
    struct Pipeline {
        /// The stream the batches come from.
        var source: any BatchStream
        /// The work on each batch.
        let step: @Sendable (RecordBatch) throws -> RecordBatch?
        /// Whether the source is a table's scan, whose batches are worth spreading over the cores. Any other source
        /// (a join, say) runs on one thread, and handing its batches to others measured slower (TPC-H Q3).
        var startsAtScan = false

        /// The lanes worth running: one per core (at most 8) over a scan, one otherwise.
        var lanes: Int { startsAtScan ? max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)) : 1 }

        /// This pipeline followed by `next` on each batch that `step` keeps.
        func then(_ next: @escaping @Sendable (RecordBatch) throws -> RecordBatch?) -> Pipeline {
            let step = self.step
            return Pipeline(
                source: source,
                step: { batch in try step(batch).flatMap(next) },
                startsAtScan: startsAtScan
            )
        }

        /// The pipeline on the calling thread: one batch at a time.
        func serial(schema: Schema) -> any BatchStream {
            var source = self.source
            let step = self.step
            return ClosureBatchStream(schema: schema) {
                while let batch = try source.next() {
                    if let result = try step(batch) { return result }
                }
                return nil
            }
        }

        /// Runs the pipeline on `lanes` threads (the calling one among them): each takes the next batch from the
        /// source (one thread at a time) and runs the step; `consume` then gets the result with its lane, the batch's
        /// position in the source modulo `lanes`. A lane's calls to `consume` come one at a time and in the source's
        /// order, so what a lane accumulates (a floating-point sum, say) does not depend on the threads' timing.
        /// The first error stops every thread after its current batch and is rethrown.
        func drain(lanes: Int, _ consume: @Sendable (Int, RecordBatch) throws -> Void) throws {
            let lanes = max(1, lanes)
            // The source runs on a thread of its own, a batch ahead of the lanes: a Parquet scan decodes a row
            // group's columns on every core there, which it would not do inside this concurrentPerform.
            let shared = SharedSource(lanes > 1 ? PrefetchStream(source, depth: 1) : source, lanes: lanes)
            let step = self.step
            DispatchQueue.concurrentPerform(iterations: lanes) { _ in
                do {
                    while let (position, batch) = try shared.next() {
                        let result = try step(batch)
                        let lane = position % lanes
                        guard shared.waitForTurn(lane: lane, position: position) else { return }
                        defer { shared.finishTurn(lane: lane, position: position) }
                        if let result { try consume(lane, result) }
                    }
                } catch {
                    shared.fail(error)
                }
            }
            if let error = shared.error { throw error }
        }
    }

    /// `plan` as a ``Pipeline``: the filters, projections and Parquet or CSV scan at its top go into the step, and
    /// whatever is below them (a join, an aggregate, a sort…) is the source. `scanPredicates`: the row-group
    /// predicates of the scan at the bottom of a chain of filters.
    func pipeline(_ plan: QueryPlan, scanPredicates: [ParquetPredicate]) throws -> Pipeline {
        let schema = Self.schema(plan.types)
        switch plan {
        case .scan(let table, let columns, _, _) where table.rows == nil:
            let scan = try open(table, columns: columns, predicates: scanPredicates)
            noteScan(scan)
            return Pipeline(
                source: scan,
                step: { batch in RecordBatch(schema: schema, columns: batch.columns.map(SQLColumns.normalized)) },
                startsAtScan: true
            )
        case .filter(let input, let predicate):
            // Filters right above a Parquet scan also choose the row groups it reads.
            var predicates = scanPredicates
            if predicates.isEmpty, let (table, columns) = Self.scanBelowFilters(input), table.rows == nil,
                table.input.format == .parquet
            {
                predicates = Self.rowGroupPredicates(plan, columns: columns)
            }
            return try pipeline(input, scanPredicates: predicates).then { batch in
                let mask = try ExpressionEvaluator.evaluate(predicate, batch)
                let values = SQLColumns.booleans(mask)
                var selection: [Int32] = []
                selection.reserveCapacity(batch.count)
                for i in 0..<batch.count where values[i] && !mask.isNull(i) { selection.append(Int32(i)) }
                if selection.count == batch.count { return batch }
                return selection.isEmpty ? nil : batch.take(selection)
            }
        case .project(let input, let expressions):
            return try pipeline(input, scanPredicates: []).then { batch in
                let columns = try expressions.map { expression throws(SQLError) in
                    try ExpressionEvaluator.evaluate(expression, batch)
                }
                return RecordBatch(schema: schema, columns: columns)
            }
        default:
            return Pipeline(source: try stream(plan, scanPredicates: scanPredicates)) { $0 }
        }
    }
}

/// A stream that several threads take batches from, one at a time, until its end or the first error; and the turns
/// that keep each lane's batches in the stream's order.
private final class SharedSource: @unchecked Sendable {
    private let condition = NSCondition()
    private var source: any BatchStream
    private var failure: (any Error)?
    private var ended = false
    private var taken = 0
    private let lanes: Int
    /// The position of the next batch each lane consumes.
    private var turns: [Int]

    init(_ source: any BatchStream, lanes: Int) {
        self.source = source
        self.lanes = lanes
        turns = Array(0..<lanes)
    }

    /// The first error a worker reported, if any.
    var error: (any Error)? { condition.withLock { failure } }

    /// The next batch and its position in the stream; `nil` at the end or once a worker has failed.
    func next() throws -> (Int, RecordBatch)? {
        try condition.withLock {
            guard !ended, failure == nil else { return nil }
            guard let batch = try source.next() else {
                ended = true
                return nil
            }
            taken += 1
            return (taken - 1, batch)
        }
    }

    /// Waits until the batches of `lane` before `position` are consumed; false when a worker has failed instead.
    func waitForTurn(lane: Int, position: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while turns[lane] != position, failure == nil { condition.wait() }
        return failure == nil
    }

    /// Passes `lane`'s turn to its next batch.
    func finishTurn(lane: Int, position: Int) {
        condition.withLock {
            turns[lane] = position + lanes
            condition.broadcast()
        }
    }

    /// Records `error` (the first one wins) and stops every worker.
    func fail(_ error: any Error) {
        condition.withLock {
            if failure == nil { failure = error }
            condition.broadcast()
        }
    }
}
