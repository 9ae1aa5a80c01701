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

    /// Opens `input` at `path`.
    static func open(_ input: JobInput, path: String, context: ExecutionContext) throws -> InputStream {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw JobError("input \(input.name): \(path): no such file or directory")
        }
        switch input.format {
        case .csv:
            guard !isDirectory.boolValue else {
                throw JobError("input \(input.name): \(path) is a directory, expected a CSV file")
            }
            return try openCSV(input, path: path, context: context)
        case .parquet:
            return try openParquet(input, path: path, isDirectory: isDirectory.boolValue, context: context)
        }
    }

    private static func openCSV(_ input: JobInput, path: String, context: ExecutionContext) throws -> InputStream {
        let reader = try CSVReader(
            path: path,
            columns: input.columns,
            projection: input.columns?.map(\.name),
            options: input.csvOptions
        )
        let rejects = context.rejects
        let inputName = input.name
        if input.csvOptions.onError == .reject {
            reader.onReject = { row in try rejects.write(input: inputName, row: row) }
        }
        let total = reader.fileSize ?? 0
        return InputStream(name: input.name, schema: reader.schema, context: context) { stream in
            let batch = try reader.next()
            stream.rowsRead = reader.rowsRead
            context.reportProgress(
                input: inputName,
                phase: "reading",
                bytesRead: reader.bytesRead,
                bytesTotal: total,
                rowsRead: reader.rowsRead
            )
            return batch
        }
    }

    private static func openParquet(
        _ input: JobInput,
        path: String,
        isDirectory: Bool,
        context: ExecutionContext
    ) throws -> InputStream {
        let files = isDirectory ? try ParquetDataset.files(in: path) : [path]
        guard let first = files.first else {
            throw JobError("input \(input.name): \(path): the dataset directory holds no .parquet files")
        }
        var reader = try ParquetReader(path: first)
        let schema = reader.schema
        let sizes = files.map { (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) ?? 0 }
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
                                "input \(inputName): \(files[fileIndex]) has schema \(batch.schema.fields.map { "\($0.name): \($0.type)" }), "
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
                reader = try ParquetReader(path: files[fileIndex])
                rowGroup = 0
            }
            // Asked again after the end.
            return nil
        }
    }
}
