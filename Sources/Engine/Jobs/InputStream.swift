import CSV
import Columnar
import Foundation
import Parquet

/// The batches of one job input, CSV or Parquet, with the counters a report needs.
final class InputStream: BatchStream {
    let name: String
    let schema: Schema
    private(set) var rowsRead = 0
    private let produce: (InputStream) throws -> RecordBatch?
    private let context: ExecutionContext

    private init(
        name: String,
        schema: Schema,
        context: ExecutionContext,
        produce: @escaping (InputStream) throws -> RecordBatch?
    ) {
        self.name = name
        self.schema = schema
        self.context = context
        self.produce = produce
    }

    func next() throws -> RecordBatch? {
        try context.execution.checkCancelled()
        return try produce(self)
    }

    /// Opens `input` at `location`: a file or object, or a dataset directory or S3 prefix (read in name order).
    static func open(
        _ input: JobInput,
        at location: DataLocation,
        store: ObjectStore?,
        context: ExecutionContext
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
        case .csv: return try openCSV(input, files: files, store: store, context: context)
        case .parquet: return try openParquet(input, files: files, store: store, context: context)
        }
    }

    private static func csvReader(
        _ input: JobInput,
        file: DatasetFile,
        store: ObjectStore?,
        context: ExecutionContext
    ) throws -> CSVReader {
        let reader: CSVReader
        if case .local(let path) = file.location {
            reader = try CSVReader(
                path: path,
                columns: input.columns,
                projection: input.columns?.map(\.name),
                options: input.csvOptions
            )
        } else {
            reader = try CSVReader(
                source: try file.sequentialSource(store: store),
                columns: input.columns,
                projection: input.columns?.map(\.name),
                options: input.csvOptions,
                reopen: { try file.sequentialSource(store: store) }
            )
        }
        // The reader's repairs (a header wider or narrower than its rows, say) are said once, as warnings.
        for warning in reader.warnings {
            context.execution.runner.logger.warning(
                "\(warning)",
                metadata: ["job": "\(context.execution.job.name)", "input": "\(input.name)"]
            )
        }
        return reader
    }

    private static func openCSV(
        _ input: JobInput,
        files: [DatasetFile],
        store: ObjectStore?,
        context: ExecutionContext
    ) throws -> InputStream {
        var reader = try csvReader(input, file: files[0], store: store, context: context)
        let schema = reader.schema
        let rejects = context.rejects
        let inputName = input.name
        let rejecting = input.csvOptions.onError == .reject
        if rejecting { reader.onReject = { row in try rejects.write(input: inputName, row: row) } }
        let total = files.reduce(0) { $0 + $1.size }
        var fileIndex = 0
        var doneBytes = 0
        var doneRows = 0
        return InputStream(name: input.name, schema: schema, context: context) { stream in
            while true {
                if let batch = try reader.next() {
                    stream.rowsRead = doneRows + reader.rowsRead
                    context.reportProgress(
                        input: inputName,
                        phase: "reading",
                        bytesRead: doneBytes + reader.bytesRead,
                        bytesTotal: total,
                        rowsRead: stream.rowsRead
                    )
                    return batch
                }
                doneRows += reader.rowsRead
                doneBytes += files[fileIndex].size
                stream.rowsRead = doneRows
                fileIndex += 1
                guard fileIndex < files.count else { return nil }
                reader = try csvReader(input, file: files[fileIndex], store: store, context: context)
                guard reader.schema == schema else {
                    throw JobError(
                        "input \(inputName): \(files[fileIndex].location) has columns \(reader.schema.names), "
                            + "unlike \(files[0].location) (\(schema.names))"
                    )
                }
                if rejecting { reader.onReject = { row in try rejects.write(input: inputName, row: row) } }
            }
        }
    }

    private static func openParquet(
        _ input: JobInput,
        files: [DatasetFile],
        store: ObjectStore?,
        context: ExecutionContext
    ) throws -> InputStream {
        let first = files[0].location
        var reader = try files[0].parquetReader(store: store)
        let schema = reader.schema
        let sizes = files.map(\.size)
        let total = sizes.reduce(0, +)
        var fileIndex = 0
        var rowGroup = 0
        var doneBytes = 0
        let inputName = input.name
        // Narrow row groups are decoded two at a time, so that their few columns keep both cores busy.
        let groupsAtOnce = schema.fields.count < 2 * ProcessInfo.processInfo.activeProcessorCount ? 2 : 1
        var decoded: [RecordBatch] = []
        return InputStream(name: input.name, schema: schema, context: context) { stream in
            while fileIndex < files.count {
                if !decoded.isEmpty || rowGroup < reader.metadata.rowGroups.count {
                    if decoded.isEmpty {
                        let indices = Array(rowGroup..<min(rowGroup + groupsAtOnce, reader.metadata.rowGroups.count))
                        decoded = try reader.readRowGroups(indices).reversed()
                    }
                    var batch = decoded.removeLast()
                    rowGroup += 1
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
                    context.reportProgress(
                        input: inputName,
                        phase: "reading",
                        bytesRead: doneBytes + sizes[fileIndex] * rowGroup / max(reader.metadata.rowGroups.count, 1),
                        bytesTotal: total,
                        rowsRead: stream.rowsRead
                    )
                    return batch
                }
                doneBytes += sizes[fileIndex]
                fileIndex += 1
                guard fileIndex < files.count else { return nil }
                reader = try files[fileIndex].parquetReader(store: store)
                rowGroup = 0
            }
            // Asked again after the end.
            return nil
        }
    }
}
