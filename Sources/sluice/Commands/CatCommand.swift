import ArgumentParser
import Columnar
import Engine
import Foundation
import Logging
import Parquet

extension Sluice {
    /// `sluice cat FILE|DIR`: prints rows of Parquet data through Sluice's own reader.
    struct Cat: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the rows of a Parquet file or dataset directory.",
            discussion: """
                CSV output has a header row; dates are YYYY-MM-DD and timestamps ISO 8601. JSON Lines output has \
                one object per row keyed by column name: strings, numbers (NaN and infinities as strings), \
                booleans, null, dates as "YYYY-MM-DD", timestamps as ISO 8601 (with Z when UTC-adjusted), decimals \
                as strings, and binary values as UTF-8 text when valid, otherwise base64.

                Examples:
                  sluice cat output/psd --limit 10
                  sluice cat output/jmsd/part-00000.parquet --format jsonl --columns date,leads_generated
                  sluice cat s3://my-bucket/output/tmp/sales/ --columns date --limit 5

                Only the footer and the column chunks of the columns printed are downloaded from S3.

                \(s3EnvironmentHelp)
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case csv
            case jsonl
        }

        @Argument(
            help: ArgumentHelp(
                "A .parquet file, a dataset directory, or an s3:// object or prefix.",
                valueName: "file|dir"
            )
        )
        var path: String

        @Option(name: .long, help: "Print at most this many rows.")
        var limit: Int?

        @Option(name: .long, help: "The output format: csv or jsonl.")
        var format: Format = .csv

        @Option(name: .long, help: ArgumentHelp("Print only these columns (comma-separated).", valueName: "names"))
        var columns: String?

        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if let limit, limit < 0 { throw ValidationError("--limit must not be negative") }
        }

        func run() throws {
            do {
                try withObjectStore(logger: try global.makeLogger(label: "sluice.cat")) { try printRows(store: $0) }
            } catch {
                throw fail(error)
            }
        }

        private func printRows(store: ObjectStore) throws {
            let source = try ParquetSource(path: path, store: store)
            guard source.isParquet else { throw CommandFailure("\(path): not a Parquet file (no PAR1 magic)") }
            let projection = columns?.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            var printer = RowPrinter(format: format)
            var remaining = limit ?? Int.max
            var headerPrinted = false
            for file in source.files where remaining > 0 {
                let reader = try file.parquetReader(store: store)
                if let projection {
                    for name in projection where reader.schema.index(of: name) == nil {
                        throw CommandFailure(
                            "\(file.location): no column \"\(name)\" (columns: \(reader.schema.names.joined(separator: ", ")))"
                        )
                    }
                }
                if !headerPrinted {
                    let names = projection ?? reader.schema.names
                    printer.header(names)
                    headerPrinted = true
                }
                for group in 0..<reader.metadata.rowGroups.count where remaining > 0 {
                    let batch = try reader.readRowGroup(group, columns: projection)
                    let rows = min(batch.count, remaining)
                    printer.print(batch, rows: rows)
                    remaining -= rows
                }
            }
            printer.flush()
        }
    }
}
