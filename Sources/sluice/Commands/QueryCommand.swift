import ArgumentParser
import Columnar
import Engine
import Foundation
import Logging
import SQL

extension Sluice {
    /// `sluice query "SQL"`: answers SQL over the catalog's CSV and Parquet tables with Sluice's own operators.
    struct Query: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run SQL queries over the catalog's tables (CSV and Parquet, local or in S3).",
            discussion: """
                The catalog file maps database.table to a dataset, each described as a job file's input (format, \
                path, columns, CSV options); jobs/catalog/marketingandsales_qs.json holds the seed's tables (salespipeline_qs, \
                marketing_qs) and the jobs' outputs (psd, pmd, jmsd). Column names are the files' own, lower-cased \
                with runs of spaces as "_" (as a Glue crawler names them): "Forecasted Monthly Revenue" is \
                forecasted_monthly_revenue.

                Several statements separated by ";" run in order; USE db changes the default database for the \
                statements after it; SHOW TABLES, DESCRIBE table and EXPLAIN query print the catalog and the plan. \
                The README's table lists the SQL supported.

                On a terminal the output is an aligned table with the row count and the time; piped, it is CSV. \
                A statement that does not parse or bind prints the line and a caret under the fault, and nothing \
                runs; exit status 1.

                Examples:
                  sluice query "SELECT * FROM marketing_qs LIMIT 10"
                  sluice query "SELECT date, leads_generated FROM psd ORDER BY leads_generated DESC LIMIT 5"
                  sluice query -f report.sql --format jsonl --output output/report.jsonl

                \(s3EnvironmentHelp)
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case table
            case csv
            case jsonl
            case parquet
        }

        @Argument(help: ArgumentHelp("The SQL text (or use -f FILE).", valueName: "sql"))
        var sql: String?

        @Option(name: .customShort("f"), help: ArgumentHelp("Read the SQL from this file.", valueName: "file"))
        var file: String?

        @Option(name: .long, help: ArgumentHelp("The catalog file.", valueName: "file"))
        var catalog: String = "jobs/catalog/marketingandsales_qs.json"

        @Option(
            name: .long,
            help: ArgumentHelp(
                "The output format: table (default on a terminal), csv (default otherwise), jsonl, or parquet.",
                discussion: "parquet writes the last statement's rows with --output as a dataset (Snappy Parquet part "
                    + "files and a _SUCCESS manifest, a directory or an s3:// prefix), committed as jobs commit "
                    + "theirs: the previous dataset stays whole until the new one is complete."
            )
        )
        var format: Format?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Write the last statement's rows to this file (replaced atomically) instead of stdout.",
                valueName: "path"
            )
        )
        var output: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Memory sorts and joins may hold before spilling to disk, e.g. 512MB.",
                valueName: "size"
            )
        )
        var memoryLimit: ByteCount?

        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if (sql == nil) == (file == nil) {
                throw ValidationError("give the SQL as an argument or with -f FILE, not both")
            }
            if format == .table, output != nil {
                throw ValidationError("--output writes csv, jsonl or parquet, not table")
            }
            if format == .parquet, output == nil {
                throw ValidationError("--format parquet writes a dataset: give it a place with --output DIR|s3://…")
            }
        }

        func run() throws {
            let logger = try global.makeLogger(label: "sluice.query")
            do {
                let text: String
                if let file {
                    do {
                        text = try String(contentsOfFile: file, encoding: .utf8)
                    } catch {
                        throw CommandFailure("\(file): cannot read: \(error.localizedDescription)")
                    }
                } else {
                    text = sql ?? ""
                }
                let catalog = try SQLCatalog(contentsOf: catalog, parameters: ProcessInfo.processInfo.environment)
                try withObjectStore(logger: logger) { store in
                    let session = SQLSession(
                        catalog: catalog,
                        store: store,
                        memoryBudget: memoryLimit?.bytes ?? (1 << 30),
                        logger: logger
                    )
                    let terminal = isatty(STDOUT_FILENO) == 1 && output == nil
                    let chosen = format ?? (terminal ? .table : .csv)
                    // Every statement parses before any runs.
                    let statements = try SQLParser.statements(text)
                    for (index, statement) in statements.enumerated() {
                        let started = ContinuousClock.now
                        let result = try session.execute(statement, text: text)
                        let last = index == statements.count - 1
                        if chosen == .parquet {
                            guard last, let output else {
                                try QueryOutput.drain(result)
                                continue
                            }
                            try QueryOutput.writeDataset(result, to: output, store: store, logger: logger)
                            continue
                        }
                        try QueryOutput.write(
                            result,
                            format: chosen,
                            to: last ? output : nil,
                            started: started,
                            showSummary: chosen == .table
                        )
                    }
                }
            } catch let error as SQLSyntaxError {
                throw Self.report("\(error)")
            } catch let error as SQLError {
                throw Self.report("\(error)")
            } catch {
                throw fail(error)
            }
        }

        /// SQL errors keep their lines: the message, the statement's line, the caret.
        private static func report(_ text: String) -> ExitCode {
            FileHandle.standardError.write(Data("sluice: error: \(text)\n".utf8))
            return ExitCode.failure
        }
    }
}

/// Prints or writes a statement's rows.
enum QueryOutput {
    /// Pulls and drops a statement's rows (a statement before the last when the output is a dataset).
    static func drain(_ result: SQLResult) throws {
        if let message = result.message { FileHandle.standardError.write(Data("\(message)\n".utf8)) }
        var batches = result.batches
        while try batches.next() != nil {}
    }

    /// Writes a statement's rows as a Parquet dataset at `path` through the jobs' atomic commit.
    static func writeDataset(_ result: SQLResult, to path: String, store: ObjectStore, logger: Logger) throws {
        if result.message != nil || result.text != nil {
            throw CommandFailure("--format parquet: the last statement returns no rows to write")
        }
        var seen = Set<String>()
        for name in result.names where !seen.insert(name.lowercased()).inserted {
            throw CommandFailure("--format parquet: two columns are named \(name); give them different aliases")
        }
        let schema = Schema(zip(result.names, result.types).map { Field($0, $1.dataType) })
        var rows = result.batches
        let named = ClosureBatchStream(schema: schema) {
            try rows.next().map { RecordBatch(schema: schema, columns: $0.columns) }
        }
        let location = try DataLocation(path, relativeTo: FileManager.default.currentDirectoryPath)
        let written = try DatasetWriter.write(named, to: location, store: store, logger: logger)
        FileHandle.standardError.write(
            Data(
                "wrote \(written.rows) row\(written.rows == 1 ? "" : "s") to \(location) (\(written.files.count) file\(written.files.count == 1 ? "" : "s"))\n"
                    .utf8
            )
        )
    }

    static func write(
        _ result: SQLResult,
        format: Sluice.Query.Format,
        to path: String?,
        started: ContinuousClock.Instant,
        showSummary: Bool
    ) throws {
        var batches = result.batches
        if let message = result.message {
            FileHandle.standardError.write(Data("\(message)\n".utf8))
            return
        }
        if let text = result.text {
            FileHandle.standardOutput.write(Data("\(text)\n".utf8))
            return
        }
        if format == .table {
            var rows: [[String]] = []
            while let batch = try batches.next() {
                for i in 0..<batch.count { rows.append(batch.row(i).map { $0.text ?? "NULL" }) }
            }
            var widths = result.names.map(\.count)
            for row in rows { for (c, cell) in row.enumerated() { widths[c] = max(widths[c], cell.count) } }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { c, cell in
                    let pad = String(repeating: " ", count: widths[c] - cell.count)
                    return result.types[c].isNumeric ? pad + cell : cell + pad
                }.joined(separator: " | ")
            }
            var text =
                line(result.names) + "\n" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-")
                + "\n"
            for row in rows { text += line(row) + "\n" }
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            if showSummary {
                text += "(\(rows.count) row\(rows.count == 1 ? "" : "s"), \(String(format: "%.3f", seconds)) s)\n"
            }
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        var out = ""
        if format == .csv { out += result.names.map(RowPrinter.csvField).joined(separator: ",") + "\n" }
        var sink = try QueryOutputSink(path: path)
        while let batch = try batches.next() {
            for i in 0..<batch.count {
                let values = batch.row(i)
                if format == .csv {
                    out += values.map(RowPrinter.csvText).joined(separator: ",") + "\n"
                } else {
                    let fields = zip(result.names, values).map { jsonString($0) + ":" + RowPrinter.jsonText($1) }
                    out += "{" + fields.joined(separator: ",") + "}\n"
                }
                if out.utf8.count > 1 << 16 {
                    try sink.write(out)
                    out = ""
                }
            }
        }
        try sink.write(out)
        try sink.commit()
    }
}

/// Standard output, or a file written beside its final name and renamed over it when complete.
struct QueryOutputSink {
    private let path: String?
    private let temporary: String?
    private let handle: FileHandle

    init(path: String?) throws {
        self.path = path
        guard let path else {
            temporary = nil
            handle = FileHandle.standardOutput
            return
        }
        let temporary = path + ".sluice-tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw CommandFailure("\(path): cannot create the output file")
        }
        self.temporary = temporary
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
    }

    func write(_ text: String) throws {
        try handle.write(contentsOf: Data(text.utf8))
    }

    func commit() throws {
        guard let path, let temporary else { return }
        try handle.synchronize()
        try handle.close()
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CommandFailure("\(path): cannot replace the output file: \(String(cString: strerror(errno)))")
        }
    }
}
