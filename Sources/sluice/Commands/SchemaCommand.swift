import ArgumentParser
import CSV
import Columnar
import Engine
import Foundation
import Logging
import Parquet

extension Sluice {
    /// `sluice schema FILE`: the schema of a CSV or Parquet file.
    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the schema of a CSV file (inferred) or a Parquet file or dataset (from its footer).",
            discussion: """
                For CSV, types are inferred from the first rows (--sample-rows), using the notation of job files: \
                int64, double, boolean, date(M/d/yyyy), timestamp(yyyy-MM-dd HH:mm:ss), string(empty_is_null). \
                The dialect (delimiter, quote, escape, header, skip, encoding) is detected unless given by the flags, \
                and printed first as job-file keys. With --json the columns are printed as a job file's "columns" \
                list, ready to paste.

                Examples:
                  sluice schema samples/MarketingData_QuickSightSample.csv
                  sluice schema samples/SalesPipeline_QuickSightSample.csv --json
                  sluice schema output/jmsd
                  sluice schema s3://my-bucket/output/tmp/sales/

                \(s3EnvironmentHelp)
                """
        )

        @Argument(
            help: ArgumentHelp(
                "A .csv file, a .parquet file, or a dataset directory or s3:// location.",
                valueName: "file"
            )
        )
        var file: String

        @Option(name: .long, help: "For CSV: how many rows inference samples.")
        var sampleRows: Int = 10_000

        @Option(name: .long, help: "For CSV: the field delimiter (1 to 4 bytes; detected when not given).")
        var delimiter: String?

        @Option(name: .long, help: "For CSV: the quote character (detected when not given).")
        var quote: String?

        @Option(name: .long, help: "For CSV: the escape inside quotes, e.g. \\ (default: the quote doubled; detected).")
        var escape: String?

        @Option(name: .long, help: "For CSV: true, false or auto (the default: detected).")
        var header: String = "auto"

        @Option(name: .long, help: "For CSV: lines to skip before the header (detected when not given).")
        var skip: Int?

        @Option(name: .long, help: "For CSV: lines starting with this prefix are skipped.")
        var comment: String?

        @Option(
            name: .long,
            help: "For CSV: utf-8, utf-8-sig, utf-16, latin-1 or windows-1252 (detected when not given)."
        )
        var encoding: String?

        @Option(name: .long, help: "For CSV: auto (the default), lf, crlf or cr.")
        var lineTerminator: String = "auto"

        @Option(name: .long, help: "For CSV: the decimal separator of numbers, . (the default) or ,")
        var decimalSeparator: String = "."

        @Option(
            name: .long,
            help: "For CSV: a thousands separator inside numbers, e.g. , in 1,234,567 (default: none)."
        )
        var thousandsSeparator: String?

        @Flag(name: .long, help: "Print JSON instead of a table.")
        var json = false

        @OptionGroup var global: GlobalOptions

        func validate() throws {
            _ = try csvOptions()
            guard sampleRows > 0 else { throw ValidationError("--sample-rows must be positive") }
        }

        func run() throws {
            do {
                try withObjectStore(logger: try global.makeLogger(label: "sluice.schema")) { store in
                    let source = try ParquetSource(path: file, store: store)
                    if source.isParquet {
                        try printParquet(source, store: store)
                    } else {
                        try printCSV(source.files[0], store: store)
                    }
                }
            } catch {
                throw fail(error)
            }
        }

        private func printCSV(_ file: DatasetFile, store: ObjectStore) throws {
            let options = try CSVReader.detectDialect(
                source: try file.sequentialSource(store: store),
                options: try csvOptions()
            )
            let columns = try CSVReader.inferSchema(
                source: try file.sequentialSource(store: store),
                sampleRows: sampleRows,
                options: options
            )
            let dialect = Self.dialectNotation(options)
            if json {
                let lines = columns.map {
                    "  { \"name\": \(jsonString($0.name)), \"type\": \(jsonString($0.type.description)) }"
                }
                print("[\n" + lines.joined(separator: ",\n") + "\n]")
            } else {
                // The dialect as job-file keys of a CSV input, ready to paste.
                print("dialect: " + dialect.map { "\(jsonString($0.key)): \($0.value)" }.joined(separator: ", "))
                printTable([("column", "type")] + columns.map { ($0.name, $0.type.description) })
            }
        }

        /// The CSV options the flags give; what is not given is left to the sniffer.
        private func csvOptions() throws -> CSVOptions {
            var options = CSVOptions()
            options.detect = .all
            if let delimiter {
                guard (1...4).contains(delimiter.utf8.count) else {
                    throw ValidationError("--delimiter must be 1 to 4 bytes")
                }
                options.delimiterBytes = Array(delimiter.utf8)
                options.detect.remove(.delimiter)
            }
            if let quote {
                guard quote.utf8.count == 1 else { throw ValidationError("--quote must be one byte") }
                options.quote = quote.utf8.first!
                options.detect.remove(.quote)
            }
            if let escape {
                guard escape.utf8.count == 1 else { throw ValidationError("--escape must be one byte") }
                options.escape = escape.utf8.first!
                options.detect.remove(.escape)
            }
            switch header {
            case "auto": break
            case "true", "false":
                options.hasHeader = header == "true"
                options.detect.remove(.header)
            default: throw ValidationError("--header must be true, false or auto")
            }
            if let skip {
                guard skip >= 0 else { throw ValidationError("--skip must not be negative") }
                options.skipLines = skip
                options.detect.remove(.skip)
            }
            if let comment {
                guard !comment.isEmpty else { throw ValidationError("--comment must not be empty") }
                options.comment = Array(comment.utf8)
            }
            if let encoding {
                guard let value = CSVOptions.Encoding(rawValue: encoding.lowercased()) else {
                    throw ValidationError("--encoding must be utf-8, utf-8-sig, utf-16, latin-1 or windows-1252")
                }
                options.encoding = value
                options.detect.remove(.encoding)
            }
            guard let terminator = CSVOptions.LineTerminator(rawValue: lineTerminator) else {
                throw ValidationError("--line-terminator must be auto, lf, crlf or cr")
            }
            options.lineTerminator = terminator
            guard decimalSeparator == "." || decimalSeparator == "," else {
                throw ValidationError("--decimal-separator must be . or ,")
            }
            options.decimalSeparator = decimalSeparator.utf8.first!
            if let thousandsSeparator {
                guard thousandsSeparator.utf8.count == 1 else {
                    throw ValidationError("--thousands-separator must be one byte")
                }
                options.thousandsSeparator = thousandsSeparator.utf8.first!
            }
            if let problem = options.problem { throw ValidationError(problem) }
            return options
        }

        /// The dialect as job-file keys and JSON values, ready to paste into a CSV input.
        static func dialectNotation(_ options: CSVOptions) -> [(key: String, value: String)] {
            func text(_ bytes: [UInt8]) -> String { jsonString(String(decoding: bytes, as: UTF8.self)) }
            var keys: [(key: String, value: String)] = [
                ("delimiter", text(options.delimiterBytes)),
                ("quote", text([options.quote])),
            ]
            if let escape = options.escape, escape != options.quote { keys.append(("escape", text([escape]))) }
            keys.append(("header", options.hasHeader ? "true" : "false"))
            if options.skipLines > 0 { keys.append(("skip", "\(options.skipLines)")) }
            if let comment = options.comment { keys.append(("comment", text(comment))) }
            if options.encoding != .utf8 { keys.append(("encoding", jsonString(options.encoding.rawValue))) }
            if options.lineTerminator == .cr { keys.append(("line_terminator", jsonString("\r"))) }
            if options.ignoreExtraFields { keys.append(("ignore_extra_fields", "true")) }
            if options.decimalSeparator != UInt8(ascii: ".") {
                keys.append(("decimal_separator", text([options.decimalSeparator])))
            }
            if let thousands = options.thousandsSeparator { keys.append(("thousands_separator", text([thousands]))) }
            return keys
        }

        private func printParquet(_ source: ParquetSource, store: ObjectStore) throws {
            let reader = try source.files[0].parquetReader(store: store)
            let rows = try source.files.dropFirst().reduce(reader.rowCount) {
                $0 + (try $1.parquetReader(store: store).rowCount)
            }
            if json {
                let lines = reader.schema.fields.map {
                    "  { \"name\": \(jsonString($0.name)), \"type\": \(jsonString($0.type.description)), "
                        + "\"nullable\": \($0.isNullable) }"
                }
                print("[\n" + lines.joined(separator: ",\n") + "\n]")
            } else {
                printTable(
                    [("column", "type")]
                        + reader.schema.fields.map {
                            ($0.name, $0.type.description + ($0.isNullable ? "" : " not null"))
                        }
                )
                print("\(rows) rows in \(source.files.count) file\(source.files.count == 1 ? "" : "s")")
            }
        }

        private func printTable(_ rows: [(String, String)]) {
            let width = rows.map(\.0.count).max() ?? 0
            for (name, type) in rows {
                print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + type)
            }
        }
    }
}

/// A Parquet file or the Parquet parts of a dataset (a directory or an S3 prefix), or a CSV file, for the commands
/// that read data on the calling thread.
struct ParquetSource {
    var files: [DatasetFile]
    var isParquet: Bool

    init(path: String, store: ObjectStore) throws {
        let location = try DataLocation(path, relativeTo: FileManager.default.currentDirectoryPath)
        if case .local(let local) = location {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: local, isDirectory: &isDirectory) else {
                throw CommandFailure("\(path): no such file or directory")
            }
            if !isDirectory.boolValue {
                files = try DatasetListing.files(at: location, suffix: nil, store: store)
                let handle = FileHandle(forReadingAtPath: local)
                let magic = try handle?.read(upToCount: 4) ?? Data()
                try handle?.close()
                isParquet = magic == Data("PAR1".utf8)
                return
            }
        }
        files = try DatasetListing.files(at: location, suffix: ".parquet", store: store)
        guard !files.isEmpty else { throw CommandFailure("\(path): the directory holds no .parquet files") }
        // A single object named *.csv is CSV; anything else in a store is taken for Parquet (the footer tells).
        if files.count == 1, case .s3(let object) = files[0].location, object.key.lowercased().hasSuffix(".csv") {
            isParquet = false
        } else {
            isParquet = true
        }
    }
}

/// A command failure with a message for stderr.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `text` as a JSON string literal.
func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
