import CSV
import Columnar
import Foundation
import Parquet

/// The batches of one job input, CSV or Parquet, with the counters a report needs.
final class InputStream: BatchStream {
    /// What a stream reports to, and asks, whoever reads it: a job run (``ExecutionContext``) or a query.
    struct Hooks {
        /// Throws when the reader should stop (a cancelled run).
        var checkCancelled: () throws -> Void = {}
        /// Progress of `input`: bytes read of the total, rows read.
        var reportProgress: (_ input: String, _ bytesRead: Int, _ bytesTotal: Int, _ rowsRead: Int) -> Void = {
            _,
            _,
            _,
            _ in
        }
        /// A repair the CSV reader made, said once.
        var warn: (String) -> Void = { _ in }
        /// Keeps a row the CSV reader rejected (with `on_error: reject`).
        var reject: (_ input: String, _ row: CSVRejectedRow) throws -> Void = { _, _ in }
    }

    /// The columns a stream reads.
    enum Columns {
        /// A job's: a CSV input's declared columns (all when none are declared), every column of Parquet.
        case declared
        /// Every column.
        case all
        /// These, in this order.
        case only([String])

        var names: [String]? {
            if case .only(let names) = self { return names }
            return nil
        }
    }

    let name: String
    let schema: Schema
    private(set) var rowsRead = 0
    /// The bytes of the files read so far (whole files, for the report of a query's scanned bytes).
    private(set) var bytesRead = 0
    /// Parquet row groups skipped because their statistics rule out the predicates given.
    private(set) var rowGroupsSkipped = 0
    /// The rows the input holds, as its metadata tells before anything is read: a Parquet footer's row count
    /// (scaled by size to the files not yet opened), or for CSV its bytes over an estimate of a row's.
    private(set) var estimatedRows: Int?
    /// For a single Parquet file, the most distinct values each integer or date column can hold, from the file's
    /// statistics (its largest value less its smallest, plus one), by column name.
    private(set) var distinctValueBounds: [String: Int] = [:]
    private let produce: (InputStream) throws -> RecordBatch?
    private let hooks: Hooks

    private init(
        name: String,
        schema: Schema,
        hooks: Hooks,
        produce: @escaping (InputStream) throws -> RecordBatch?
    ) {
        self.name = name
        self.schema = schema
        self.hooks = hooks
        self.produce = produce
    }

    func next() throws -> RecordBatch? {
        try hooks.checkCancelled()
        return try produce(self)
    }

    /// Opens `input` at `location`: a file or object, or a dataset directory or S3 prefix (read in name order).
    static func open(
        _ input: JobInput,
        at location: DataLocation,
        store: ObjectStore?,
        context: ExecutionContext
    ) throws -> InputStream {
        let logger = context.execution.runner.logger
        let job = context.execution.job.name
        let hooks = Hooks(
            checkCancelled: { try context.execution.checkCancelled() },
            reportProgress: { name, bytesRead, bytesTotal, rowsRead in
                context.reportProgress(
                    input: name,
                    phase: "reading",
                    bytesRead: bytesRead,
                    bytesTotal: bytesTotal,
                    rowsRead: rowsRead
                )
            },
            warn: { warning in logger.warning("\(warning)", metadata: ["job": "\(job)", "input": "\(input.name)"]) },
            reject: { name, row in try context.rejects.write(input: name, row: row) }
        )
        return try open(input, at: location, store: store, columns: .declared, hooks: hooks)
    }

    /// Opens `input` at `location`, reading `columns`; a Parquet input skips the row groups whose statistics prove
    /// that no row satisfies all of `predicates` (the rows read are not filtered by them).
    static func open(
        _ input: JobInput,
        at location: DataLocation,
        store: ObjectStore?,
        columns: Columns,
        predicates: [ParquetPredicate] = [],
        hooks: Hooks
    ) throws -> InputStream {
        let files: [DatasetFile]
        do {
            files = try DatasetListing.files(
                at: location,
                suffix: input.format == .parquet ? ".parquet" : nil,
                store: store
            )
        } catch let error as JobError {
            throw JobError("input \(input.name): \(error.message)")
        }
        switch input.format {
        case .csv: return try openCSV(input, files: files, store: store, columns: columns, hooks: hooks)
        case .parquet:
            return try openParquet(
                input,
                files: files,
                store: store,
                columns: columns,
                predicates: predicates,
                hooks: hooks
            )
        }
    }

    private static func csvReader(
        _ input: JobInput,
        file: DatasetFile,
        store: ObjectStore?,
        columns: Columns,
        hooks: Hooks
    ) throws -> CSVReader {
        let reader: CSVReader
        let projection: [String]? =
            switch columns {
            case .declared: input.columns?.map(\.name)
            case .all: nil
            case .only(let names): names
            }
        if case .local(let path) = file.location {
            reader = try CSVReader(
                path: path,
                columns: input.columns,
                projection: projection,
                options: input.csvOptions
            )
        } else {
            reader = try CSVReader(
                source: try file.sequentialSource(store: store),
                columns: input.columns,
                projection: projection,
                options: input.csvOptions,
                reopen: { try file.sequentialSource(store: store) }
            )
        }
        // The reader's repairs (a header wider or narrower than its rows, say) are said once, as warnings.
        for warning in reader.warnings { hooks.warn("\(warning)") }
        return reader
    }

    private static func openCSV(
        _ input: JobInput,
        files: [DatasetFile],
        store: ObjectStore?,
        columns: Columns,
        hooks: Hooks
    ) throws -> InputStream {
        var reader = try csvReader(input, file: files[0], store: store, columns: columns, hooks: hooks)
        let schema = reader.schema
        let inputName = input.name
        let rejecting = input.csvOptions.onError == .reject
        if rejecting { reader.onReject = { row in try hooks.reject(inputName, row) } }
        let total = files.reduce(0) { $0 + $1.size }
        var fileIndex = 0
        var doneBytes = 0
        var doneRows = 0
        let stream = InputStream(name: input.name, schema: schema, hooks: hooks) { stream in
            while true {
                if let batch = try reader.next() {
                    stream.rowsRead = doneRows + reader.rowsRead
                    stream.bytesRead = doneBytes + reader.bytesRead
                    hooks.reportProgress(inputName, stream.bytesRead, total, stream.rowsRead)
                    return batch
                }
                doneRows += reader.rowsRead
                doneBytes += files[fileIndex].size
                stream.rowsRead = doneRows
                stream.bytesRead = doneBytes
                fileIndex += 1
                guard fileIndex < files.count else { return nil }
                reader = try csvReader(input, file: files[fileIndex], store: store, columns: columns, hooks: hooks)
                guard reader.schema == schema else {
                    throw JobError(
                        "input \(inputName): \(files[fileIndex].location) has columns \(reader.schema.names), "
                            + "unlike \(files[0].location) (\(schema.names))"
                    )
                }
                if rejecting { reader.onReject = { row in try hooks.reject(inputName, row) } }
            }
        }
        // About 8 bytes a field (a delimiter, a date or a number of a few digits), all of the file's fields read.
        stream.estimatedRows = total / max(16, 8 * max(schema.fields.count, 1))
        return stream
    }

    private static func openParquet(
        _ input: JobInput,
        files: [DatasetFile],
        store: ObjectStore?,
        columns selection: Columns,
        predicates: [ParquetPredicate],
        hooks: Hooks
    ) throws -> InputStream {
        let first = files[0].location
        // The row groups of a file that may hold matching rows (all, when a predicate cannot be judged).
        func selected(_ reader: ParquetReader) -> [Int] {
            var groups = Set(reader.metadata.rowGroups.indices)
            for predicate in predicates {
                guard let matching = try? reader.rowGroups(matching: predicate) else { continue }
                groups.formIntersection(matching)
            }
            return groups.sorted()
        }
        let columns = selection.names
        var reader = try files[0].parquetReader(store: store)
        var schema = reader.schema
        if let columns {
            schema = Schema(
                try columns.map { name in
                    guard let index = reader.schema.index(of: name) else {
                        throw JobError("input \(input.name): \(first) has no column \"\(name)\"")
                    }
                    return reader.schema.fields[index]
                }
            )
        }
        let sizes = files.map(\.size)
        let total = sizes.reduce(0, +)
        var fileIndex = 0
        var groups = selected(reader)
        var skipped = reader.metadata.rowGroups.count - groups.count
        var position = 0
        var doneBytes = 0
        let inputName = input.name
        // Narrow row groups are decoded two at a time, so that their few columns keep both cores busy.
        let groupsAtOnce = schema.fields.count < 2 * ProcessInfo.processInfo.activeProcessorCount ? 2 : 1
        var decoded: [RecordBatch] = []
        let firstRows = Int(reader.metadata.numRows)
        let stream = InputStream(name: input.name, schema: schema, hooks: hooks) { stream in
            stream.rowGroupsSkipped = skipped
            while fileIndex < files.count {
                if !decoded.isEmpty || position < groups.count {
                    if decoded.isEmpty {
                        let indices = Array(groups[position..<min(position + groupsAtOnce, groups.count)])
                        decoded = try reader.readRowGroups(indices, columns: columns).reversed()
                    }
                    var batch = decoded.removeLast()
                    let rowGroup = groups[position] + 1
                    position += 1
                    if batch.schema != schema {
                        guard batch.schema.fields.map(\.type) == schema.fields.map(\.type),
                            batch.schema.names == schema.names
                        else {
                            throw JobError(
                                "input \(inputName): \(files[fileIndex].location) has schema \(batch.schema.fields.map { "\($0.name): \($0.type)" }), "
                                    + "unlike \(first)"
                            )
                        }
                        batch = RecordBatch(schema: schema, columns: batch.columns)
                    }
                    stream.rowsRead += batch.count
                    stream.bytesRead = doneBytes + sizes[fileIndex] * rowGroup / max(reader.metadata.rowGroups.count, 1)
                    hooks.reportProgress(inputName, stream.bytesRead, total, stream.rowsRead)
                    return batch
                }
                doneBytes += sizes[fileIndex]
                stream.bytesRead = doneBytes
                fileIndex += 1
                guard fileIndex < files.count else { return nil }
                reader = try files[fileIndex].parquetReader(store: store)
                groups = selected(reader)
                skipped += reader.metadata.rowGroups.count - groups.count
                stream.rowGroupsSkipped = skipped
                position = 0
            }
            // Asked again after the end.
            return nil
        }
        stream.estimatedRows = sizes[0] > 0 ? Int(Double(firstRows) * Double(total) / Double(sizes[0])) : firstRows
        if files.count == 1 {
            for name in schema.names {
                guard let range = reader.integerRange(of: name) else { continue }
                let (span, overflow) = range.upperBound.subtractingReportingOverflow(range.lowerBound)
                stream.distinctValueBounds[name] = overflow || span >= Int64(Int.max) ? Int.max : Int(span) + 1
            }
        }
        return stream
    }
}
