import Columnar
import Foundation
import TestSupport

@testable import Parquet

/// Files written by pyarrow, DuckDB and Polars at test time, with pyarrow's reading of each (see
/// `Fixtures/reader_peers.py`). Generated once per test run.
enum ReaderFixtures {
    /// pyarrow's reading of a file: canonical cells per column (see `reader_peers.py`).
    struct Expected: Decodable {
        var names: [String]
        var types: [String]
        var columns: [[String?]]
        var rows: Int
    }

    static let script = Paths.packageRoot.appendingPathComponent("Tests/ParquetTests/Fixtures/reader_peers.py")

    private static let generated: Result<URL, any Error> = Result {
        let directory = try Paths.temporaryDirectory("sluice-parquet-reader")
        try Python.run(try String(contentsOf: script, encoding: .utf8), ["generate", directory.path])
        return directory
    }

    /// The directory holding the generated files.
    static func directory() throws -> URL { try generated.get() }

    /// The path of a generated file.
    static func path(_ name: String) throws -> String {
        try directory().appendingPathComponent(name + ".parquet").path
    }

    /// pyarrow's reading of a file (its `.json` dump, written by `reader_peers.py`).
    static func expected(forFile path: String) throws -> Expected {
        let data = try Data(contentsOf: URL(fileURLWithPath: path + ".json"))
        return try JSONDecoder().decode(Expected.self, from: data)
    }

    /// Has pyarrow dump files that the tests built themselves.
    static func dump(_ paths: [String]) throws {
        try Python.run(try String(contentsOf: script, encoding: .utf8), ["dump"] + paths)
    }

    /// The canonical text of a cell, as `reader_peers.py` writes it.
    static func canonical(_ value: Value) -> String? {
        func hex<T: FixedWidthInteger>(_ bits: T) -> String {
            withUnsafeBytes(of: bits.littleEndian) { $0.map { String(format: "%02x", $0) }.joined() }
        }
        switch value {
        case .null: return nil
        case .boolean(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        case .float(let f): return f.isNaN ? "nan" : hex(f.bitPattern)
        case .double(let d): return d.isNaN ? "nan" : hex(d.bitPattern)
        case .date(let days): return String(days)
        case .timestamp(let v, _, _): return String(v)
        case .decimal(let unscaled, _): return unscaled
        case .string(let s): return s
        case .bytes(let b): return b.map { String(format: "%02x", $0) }.joined()
        }
    }

    /// Whether our type matches pyarrow's type string for the same column.
    static func typeMatches(_ type: DataType, arrow: String) -> Bool {
        switch type {
        case .boolean: return arrow == "bool"
        case .int32 where arrow == "time32[ms]": return true  // TIME has no Columnar type: read as its count
        case .int64 where arrow == "time64[us]" || arrow == "time64[ns]": return true
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64:
            // pyarrow reads Parquet's UNKNOWN (all-null) logical type as `null`.
            return arrow == type.description || arrow == "null"
        case .float: return arrow == "float" || arrow == "halffloat"
        case .double: return arrow == "double"
        case .date: return arrow == "date32[day]"
        case .timestamp(let unit, let utc):
            let prefix = "timestamp[" + (unit == .milliseconds ? "ms" : unit == .microseconds ? "us" : "ns")
            return arrow.hasPrefix(prefix) && arrow.contains("tz=") == utc
        case .decimal(let precision, let scale):
            return arrow.hasPrefix("decimal") && arrow.hasSuffix("(\(precision), \(scale))")
        case .string: return ["string", "large_string", "string_view"].contains(arrow)
        case .binary: return ["binary", "large_binary", "binary_view"].contains(arrow)
        case .fixedBinary(let width): return arrow == "fixed_size_binary[\(width)]"
        }
    }

    /// Reads every row group of a file with our reader and returns canonical cells per column.
    static func readAll(_ reader: ParquetReader, columns: [String]? = nil) throws -> [[String?]] {
        let count = columns?.count ?? reader.schema.fields.count
        var cells = Array(repeating: [String?](), count: count)
        for group in 0..<reader.rowGroupCount {
            let batch = try reader.readRowGroup(group, columns: columns)
            for (c, column) in batch.columns.enumerated() {
                for row in 0..<column.count { cells[c].append(canonical(column.value(at: row))) }
            }
        }
        return cells
    }

    /// Compares our reading of `path` with pyarrow's; returns a description of each difference (empty when equal).
    static func differences(path: String) throws -> [String] {
        let expected = try expected(forFile: path)
        let reader = try ParquetReader(path: path)
        var problems: [String] = []
        if reader.rowCount != expected.rows {
            problems.append("rows: ours \(reader.rowCount), pyarrow \(expected.rows)")
        }
        if reader.schema.names != expected.names {
            problems.append("names: ours \(reader.schema.names), pyarrow \(expected.names)")
            return problems
        }
        for (field, arrow) in zip(reader.schema.fields, expected.types) where !typeMatches(field.type, arrow: arrow) {
            problems.append("column \(field.name): our type \(field.type), pyarrow's \(arrow)")
        }
        let ours = try readAll(reader)
        for (c, name) in expected.names.enumerated() {
            guard ours[c].count == expected.columns[c].count else {
                problems.append("column \(name): \(ours[c].count) values, pyarrow \(expected.columns[c].count)")
                continue
            }
            if let row = (0..<ours[c].count).first(where: { ours[c][$0] != expected.columns[c][$0] }) {
                problems.append(
                    "column \(name) row \(row): ours \(ours[c][row] ?? "null"), pyarrow \(expected.columns[c][row] ?? "null")"
                )
            }
        }
        return problems
    }
}
