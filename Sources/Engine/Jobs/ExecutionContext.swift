import CSV
import Columnar
import Foundation

/// What the streams of one run share: the cancellation flag, progress reporting, the rejects file.
final class ExecutionContext: @unchecked Sendable {
    let execution: JobExecution
    let commit: any DatasetCommitting
    let rejects: RejectsWriter
    private var bytesRead: [String: Int] = [:]
    private var bytesTotal: [String: Int] = [:]
    private var rowsRead: [String: Int] = [:]
    private let lock = NSLock()
    private var spill: URL?

    init(execution: JobExecution, commit: any DatasetCommitting) {
        self.execution = execution
        self.commit = commit
        let name = commit.rejectsName
        self.rejects = RejectsWriter(name: name) { try commit.sink(named: name) }
    }

    deinit {
        if let spill { try? FileManager.default.removeItem(at: spill) }
    }

    /// A directory for spilled sort runs beside a local output (not in /tmp, which may be memory-backed; for an S3
    /// output, in `TMPDIR`), created on first use and removed with the context.
    func spillDirectory() throws -> URL {
        lock.lock()
        defer { lock.unlock() }
        if let spill { return spill }
        let url = URL(fileURLWithPath: commit.spillDirectory)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw JobError("\(url.path): cannot create the spill directory: \(error.localizedDescription)")
        }
        spill = url
        return url
    }

    /// Records the progress of input `name` and reports the run's total.
    func reportProgress(input name: String, phase: String, bytesRead: Int, bytesTotal: Int, rowsRead: Int) {
        guard let progress = execution.progress else { return }
        lock.lock()
        self.bytesRead[name] = bytesRead
        self.bytesTotal[name] = bytesTotal
        self.rowsRead[name] = rowsRead
        let update = JobProgress(
            job: execution.job.name,
            phase: phase,
            bytesRead: self.bytesRead.values.reduce(0, +),
            bytesTotal: self.bytesTotal.values.reduce(0, +),
            rowsRead: self.rowsRead.values.reduce(0, +)
        )
        lock.unlock()
        progress(update)
    }

    /// The stream of `step` applied to `stream`.
    ///
    /// `order` is what the current stream is known to be sorted by (`nil` when unknown); it is updated for the new
    /// stream, so that a sort the rows already satisfy — such as a sort by the keys right after a join on them —
    /// is skipped.
    func apply(
        _ step: JobStep,
        to stream: any BatchStream,
        inputs: [String: InputStream],
        order: inout [SortKey]?
    ) throws -> any BatchStream {
        switch step {
        case .filter(let filter):
            _ = try filter.selection(RecordBatch.empty(stream.schema))
            return MapStream(stream, schema: stream.schema) { try filter.apply($0) }
        case .project(let projection):
            order = nil
            let schema = try projection.outputSchema(for: stream.schema)
            return MapStream(stream, schema: schema) { try projection.apply($0) }
        case .rename(let mapping):
            order = nil
            for old in mapping.keys.sorted() where stream.schema.index(of: old) == nil {
                throw OperatorError(
                    "rename",
                    "no column \"\(old)\" (columns: \(stream.schema.names.joined(separator: ", ")))"
                )
            }
            let projection = Projection(
                .columns(stream.schema.names.map { ColumnMapping($0, as: mapping[$0] ?? $0) })
            )
            let schema = try projection.outputSchema(for: stream.schema)
            return MapStream(stream, schema: schema) { try projection.apply($0) }
        case .aggregate(let keys, let aggregates, let phase):
            order = nil
            let groupBy = try PhasedGroupBy(
                keys: keys,
                aggregates: aggregates,
                phase: phase,
                inputSchema: stream.schema
            )
            var input = stream
            while let batch = try input.next() {
                try execution.checkCancelled()
                try groupBy.consume(batch)
            }
            return ArrayBatchStream(groupBy.finish())
        case .sort(let keys):
            for key in keys where stream.schema.index(of: key.column) == nil {
                throw OperatorError(
                    "sort",
                    "no column \"\(key.column)\" (columns: \(stream.schema.names.joined(separator: ", ")))"
                )
            }
            if let known = order, known.count >= keys.count, Array(known.prefix(keys.count)) == keys {
                return stream
            }
            order = keys
            return try sortedStream(stream, by: keys)
        case .join(let other, let keys):
            guard let right = inputs[other] else { throw OperatorError("join", "no input \"\(other)\"") }
            // The join's output is ascending by its keys, which are never null.
            order = keys.map { SortKey($0) }
            return try joinedStream(stream, right, on: keys)
        case .sql(let statement):
            order = nil
            guard let sqlSteps = execution.runner.sqlSteps else {
                throw OperatorError("sql", "this runner has no SQL engine (JobRunner.sqlSteps is not set)")
            }
            do {
                return try sqlSteps.rows(
                    of: statement,
                    input: stream,
                    memoryBudget: memoryBudget,
                    logger: execution.runner.logger
                )
            } catch let error as OperatorError {
                throw error
            } catch {
                throw OperatorError("sql", "\(error)")
            }
        }
    }
}

/// A stream that transforms each batch of another.
struct MapStream: BatchStream {
    let schema: Schema
    private var base: any BatchStream
    private let transform: (RecordBatch) throws -> RecordBatch

    init(_ base: any BatchStream, schema: Schema, transform: @escaping (RecordBatch) throws -> RecordBatch) {
        self.base = base
        self.schema = schema
        self.transform = transform
    }

    mutating func next() throws -> RecordBatch? {
        guard let batch = try base.next() else { return nil }
        return try transform(batch)
    }
}
