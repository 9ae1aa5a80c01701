import Foundation
import TestSupport
import Testing

/// `sluice cat --format jsonl` renders every Parquet type as issue 3 specifies, on a file pyarrow writes.
@Suite(.tags(.pythonPeers), .needsPythonPeers) struct CatJSONLinesTests {
    @Test func everyTypeRendersAsSpecified() throws {
        let root = try Paths.temporaryDirectory("cat-jsonl")
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("types.parquet").path
        try Python.run(
            """
            import sys, datetime, decimal
            import pyarrow as pa, pyarrow.parquet as pq
            t = pa.table({
                "s": pa.array(["héllo \\"q\\"\\n", None], pa.string()),
                "i8": pa.array([-8, None], pa.int8()),
                "u64": pa.array([18446744073709551615, 0], pa.uint64()),
                "i64": pa.array([-9223372036854775808, 7], pa.int64()),
                "f32": pa.array([1.5, float("nan")], pa.float32()),
                "f64": pa.array([float("inf"), float("-inf")], pa.float64()),
                "b": pa.array([True, False], pa.bool_()),
                "d": pa.array([datetime.date(2009, 3, 1), datetime.date(1969, 12, 31)], pa.date32()),
                "ts": pa.array([datetime.datetime(2009, 3, 1, 0, 1, 0), datetime.datetime(2009, 3, 1, 0, 1, 0, 250000)], pa.timestamp("ms")),
                "tsz": pa.array([datetime.datetime(2009, 3, 1, 0, 1, 0, 5), None], pa.timestamp("us", tz="UTC")),
                "dec": pa.array([decimal.Decimal("-123.45"), decimal.Decimal("0.05")], pa.decimal128(9, 2)),
                "dec38": pa.array([decimal.Decimal("12345678901234567890123.456"), None], pa.decimal128(38, 3)),
                "bin": pa.array([b"text", b"\\xff\\x00"], pa.binary()),
            })
            pq.write_table(t, sys.argv[1])
            """,
            [file]
        )
        let result = try SluiceBinary.run(["cat", file, "--format", "jsonl"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(
            lines[0]
                == #"{"s":"héllo \"q\"\n","i8":-8,"u64":18446744073709551615,"i64":-9223372036854775808,"f32":1.5,"#
                + #""f64":"Infinity","b":true,"d":"2009-03-01","ts":"2009-03-01T00:01:00","#
                + #""tsz":"2009-03-01T00:01:00.000005Z","dec":"-123.45","dec38":"12345678901234567890123.456","bin":"text"}"#
        )
        #expect(
            lines[1]
                == #"{"s":null,"i8":null,"u64":0,"i64":7,"f32":"NaN","f64":"-Infinity","b":false,"d":"1969-12-31","#
                + #""ts":"2009-03-01T00:01:00.25","tsz":null,"dec":"0.05","dec38":null,"bin":"/wA="}"#
        )
        // Every line is valid JSON.
        for line in lines {
            #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(line.utf8)) }
        }
    }
}
