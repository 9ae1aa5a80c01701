import Columnar
import Foundation
import Parquet
import TestSupport

/// Reads files written by the Sluice writer back with pyarrow, DuckDB and Polars, and renders every cell in a
/// canonical text form that Swift renders the same way from the source batch.
///
/// Canonical forms: booleans `true`/`false`; integers in decimal; floats as the big-endian hex of their bits
/// (`nan` for NaN); dates as days since the epoch; timestamps as `<count in the source unit>|<utc>`;
/// decimals as the unscaled integer; strings as themselves; binary as lowercase hex; null as nil.
enum WriterPeers {
    static let readers = ["pyarrow", "duckdb", "polars"]

    /// One file to read, with the canonical kind of each column.
    struct Job: Codable {
        var path: String
        var kinds: [String]
        var readers: [String]
    }

    /// What one reader saw.
    struct Result: Decodable {
        var names: [String]?
        var types: [String]?
        var rows: [[String?]]?
        var error: String?
    }

    static let script = #"""
        import sys, json, struct
        import pyarrow as pa

        def unscaled(d, scale):
            sign, digits, exponent = d.as_tuple()
            n = int(''.join(map(str, digits)) or '0')
            shift = exponent + scale
            n = n * 10 ** shift if shift >= 0 else n // 10 ** (-shift)
            return -n if sign else n

        def canon(column, kind):
            t = column.type
            values = column.to_pylist() if not pa.types.is_timestamp(t) else None
            if kind == 'bool':
                return [None if v is None else ('true' if v else 'false') for v in values]
            if kind == 'int':
                return [None if v is None else str(v) for v in values]
            if kind in ('float32', 'float64'):
                fmt = '>f' if kind == 'float32' else '>d'
                return [None if v is None else ('nan' if v != v else struct.pack(fmt, v).hex()) for v in values]
            if kind == 'date':
                return [None if v is None else str(v) for v in column.cast(pa.int32()).to_pylist()]
            if kind.startswith('ts:'):
                utc = 'true' if t.tz is not None else 'false'
                ints = column.cast(pa.timestamp(kind[3:], tz=t.tz)).cast(pa.int64()).to_pylist()
                return [None if v is None else f'{v}|{utc}' for v in ints]
            if kind.startswith('decimal:'):
                scale = int(kind.split(':')[1])
                return [None if v is None else str(unscaled(v, scale)) for v in values]
            if kind == 'string':
                return values
            if kind == 'binary':
                return [None if v is None else v.hex() for v in values]
            raise ValueError(kind)

        def read(path, reader):
            if reader == 'pyarrow':
                import pyarrow.parquet as pq
                return pq.read_table(path)
            if reader == 'duckdb':
                import duckdb
                return duckdb.connect().sql(f"select * from read_parquet('{path}')").to_arrow_table()
            if reader == 'polars':
                import polars as pl
                return pl.read_parquet(path).to_arrow()
            raise ValueError(reader)

        out = {}
        for job in json.loads(sys.argv[1]):
            results = {}
            for reader in job['readers']:
                try:
                    table = read(job['path'], reader)
                    columns = [canon(table.column(i).combine_chunks(), k) for i, k in enumerate(job['kinds'])]
                    rows = [list(r) for r in zip(*columns)] if columns else []
                    results[reader] = {'names': table.column_names, 'types': [str(f.type) for f in table.schema],
                                       'rows': rows}
                except Exception as e:
                    results[reader] = {'error': f'{type(e).__name__}: {e}'}
            out[job['path']] = results
        print(json.dumps(out))
        """#

    /// Reads each job with its readers; returns results by path, then by reader.
    static func read(_ jobs: [Job]) throws -> [String: [String: Result]] {
        let argument = String(decoding: try JSONEncoder().encode(jobs), as: UTF8.self)
        let output = try Python.run(script, [argument])
        return try JSONDecoder().decode([String: [String: Result]].self, from: Data(output.utf8))
    }

    /// The canonical kind of a column of `type`, as the script understands it.
    static func kind(of type: DataType) -> String {
        switch type {
        case .boolean: "bool"
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64: "int"
        case .float: "float32"
        case .double: "float64"
        case .date: "date"
        case .timestamp(let unit, _):
            "ts:" + (unit == .milliseconds ? "ms" : unit == .microseconds ? "us" : "ns")
        case .decimal(_, let scale): "decimal:\(scale)"
        case .string: "string"
        case .binary, .fixedBinary: "binary"
        }
    }

    /// The canonical text of a cell.
    static func canonical(_ value: Value) -> String? {
        func hex<T: FixedWidthInteger>(_ bits: T) -> String {
            let digits = String(bits, radix: 16)
            return String(repeating: "0", count: T.bitWidth / 4 - digits.count) + digits
        }
        switch value {
        case .null: return nil
        case .boolean(let b): return b ? "true" : "false"
        case .int(let v): return String(v)
        case .uint(let v): return String(v)
        case .float(let f): return f.isNaN ? "nan" : hex(f.bitPattern)
        case .double(let d): return d.isNaN ? "nan" : hex(d.bitPattern)
        case .date(let days): return String(days)
        case .timestamp(let v, _, let utc): return "\(v)|\(utc)"
        case .decimal(let unscaled, _):
            // Normalize "-0", leading zeros and a plus sign the way Python's int() prints.
            var text = unscaled
            var negative = false
            if text.hasPrefix("-") {
                negative = true
                text.removeFirst()
            } else if text.hasPrefix("+") {
                text.removeFirst()
            }
            text = String(text.drop { $0 == "0" })
            if text.isEmpty { return "0" }
            return (negative ? "-" : "") + text
        case .string(let s): return s
        case .bytes(let b): return b.map { hex($0) }.joined()
        }
    }

    /// The canonical rows of `batches`, concatenated.
    static func canonicalRows(_ batches: [RecordBatch]) -> [[String?]] {
        var rows: [[String?]] = []
        for batch in batches {
            for i in 0..<batch.count { rows.append(batch.row(i).map(canonical)) }
        }
        return rows
    }

    /// The type pyarrow should report for a column of `type` (checks the logical annotations we write).
    static func pyarrowType(of type: DataType) -> String {
        switch type {
        case .boolean: "bool"
        case .int8: "int8"
        case .int16: "int16"
        case .int32: "int32"
        case .int64: "int64"
        case .uint8: "uint8"
        case .uint16: "uint16"
        case .uint32: "uint32"
        case .uint64: "uint64"
        case .float: "float"
        case .double: "double"
        case .date: "date32[day]"
        case .timestamp(let unit, let utc):
            "timestamp[\(unit == .milliseconds ? "ms" : unit == .microseconds ? "us" : "ns")\(utc ? ", tz=UTC" : "")]"
        case .decimal(let precision, let scale):
            precision <= 38 ? "decimal128(\(precision), \(scale))" : "decimal256(\(precision), \(scale))"
        case .string: "string"
        case .binary: "binary"
        case .fixedBinary(let width): "fixed_size_binary[\(width)]"
        }
    }
}
