import Columnar
import Foundation
import TestSupport
import Testing

@testable import Parquet

/// Files written by the established implementations, read by us: the values must equal pyarrow's reading.
@Suite(.tags(.pythonPeers), .needsPythonPeers) struct ReaderInteropTests {
    static let pyarrowMatrix: [String] = ["1", "2"].flatMap { version in
        ["none", "snappy", "gzip", "zstd"].flatMap { codec in
            ["dict", "plain"].map { "pyarrow-v\(version)-\(codec)-\($0)" }
        }
    }

    @Test(arguments: pyarrowMatrix)
    func pyarrowPageVersionsCodecsAndDictionaries(name: String) throws {
        let path = try ReaderFixtures.path(name)
        #expect(try ReaderFixtures.differences(path: path) == [])
        // The matrix file has 2500 rows in row groups of 1000, with nulls in every optional column.
        let reader = try ParquetReader(path: path)
        #expect(reader.rowCount == 2500)
        #expect(reader.rowGroupCount == 3)
        let batch = try reader.readRowGroup(0)
        #expect(batch.count == 1000)
        #expect(batch.column(named: "s")!.nullCount > 0)
        #expect(batch.column(named: "req")!.validity == nil)
    }

    @Test(arguments: [
        "pyarrow-encodings-v1", "pyarrow-encodings-v2", "pyarrow-delta-sorted", "pyarrow-int96",
        "pyarrow-decimal-int", "pyarrow-no-nulls", "pyarrow-empty", "pyarrow-one-row", "pyarrow-all-null",
        "pyarrow-all-null-v1", "pyarrow-pageindex-crc",
    ])
    func pyarrowEncodingsAndEdgeCases(name: String) throws {
        #expect(try ReaderFixtures.differences(path: try ReaderFixtures.path(name)) == [])
    }

    @Test(arguments: ["duckdb-snappy", "duckdb-zstd", "duckdb-gzip", "duckdb-uncompressed", "duckdb-v2"])
    func duckDB(name: String) throws {
        #expect(try ReaderFixtures.differences(path: try ReaderFixtures.path(name)) == [])
    }

    @Test(arguments: [
        "polars-default", "polars-snappy-nostats", "polars-types-gzip", "polars-types-uncompressed",
        "polars-types-zstd",
    ])
    func polars(name: String) throws {
        #expect(try ReaderFixtures.differences(path: try ReaderFixtures.path(name)) == [])
    }

    @Test(arguments: [("pyarrow-lz4", "lz4Raw"), ("pyarrow-brotli", "brotli")])
    func unsupportedCodecsAreAClearError(name: String, codec: String) throws {
        let reader = try ParquetReader(path: try ReaderFixtures.path(name))
        do {
            _ = try reader.readRowGroup(0, columns: ["s"])
            Issue.record("read a \(codec) file")
        } catch let error as ParquetError {
            #expect(error.kind == .unsupported)
            #expect(error.column == "s")
            #expect(error.path?.hasSuffix("\(name).parquet") == true)
            #expect(error.message.contains("codec \(codec) is not supported"))
        }
    }

    @Test func nestedColumnsAreAClearError() throws {
        do {
            _ = try ParquetReader(path: try ReaderFixtures.path("pyarrow-nested"))
            Issue.record("opened a nested file")
        } catch let error as ParquetError {
            #expect(error.kind == .unsupported)
            #expect(error.column == "tags")
            #expect(error.message.contains("only flat schemas are supported"))
        }
    }

    @Test func encodingsFileReallyUsesTheDeltaAndSplitEncodings() throws {
        let reader = try ParquetReader(path: try ReaderFixtures.path("pyarrow-encodings-v2"))
        let chunks = reader.metadata.rowGroups[0].columns.compactMap(\.metaData)
        let encodings = Set(chunks.flatMap(\.encodings))
        for encoding in [Encoding.deltaBinaryPacked, .deltaLengthByteArray, .deltaByteArray, .byteStreamSplit, .rle] {
            #expect(encodings.contains(encoding), "\(encoding) not used")
        }
    }

    @Test func int96IsReadAsMicrosecondTimestamps() throws {
        let reader = try ParquetReader(path: try ReaderFixtures.path("pyarrow-int96"))
        #expect(reader.metadata.schema[1].type == .int96)
        #expect(reader.schema.fields[0].type == .timestamp(.microseconds, isAdjustedToUTC: false))
    }

    @Test func int96OutsideTheNanosecondRangeKeepsItsDate() throws {
        // Years 1000 and 3000 overflow Int64 nanoseconds; Spark reads INT96 at microsecond precision.
        let reader = try ParquetReader(path: try ReaderFixtures.path("pyarrow-int96-wide"))
        let column = try reader.readRowGroup(0).columns[0]
        #expect(column.type == .timestamp(.microseconds, isAdjustedToUTC: false))
        #expect(column.value(at: 0) == .timestamp(-30_610_180_799_876_544, .microseconds, isAdjustedToUTC: false))
        #expect(column.value(at: 1) == .timestamp(32_516_726_400_000_000, .microseconds, isAdjustedToUTC: false))
        #expect(column.value(at: 2) == .timestamp(1_577_836_800_000_001, .microseconds, isAdjustedToUTC: false))
        #expect(column.value(at: 3) == .null)
    }

    @Test func float16IsReadAsFloat() throws {
        let reader = try ParquetReader(path: try ReaderFixtures.path("pyarrow-float16"))
        #expect(reader.metadata.schema[1].logicalType == .float16)
        let column = try reader.readRowGroup(0).columns[0]
        #expect(column.type == .float)
        #expect(column.value(at: 0) == .float(1.5))
        #expect(column.value(at: 1) == .float(-2.25))
        #expect(column.value(at: 2) == .float(65504))
        #expect(column.value(at: 3) == .null)
        #expect(column.value(at: 4) == .float(Float(Float16(0.0001))))
    }

    @Test func tinyDictionaryPagesAndAllNullPagesAreRead() throws {
        // Pages written while the dictionary held one value, all-null pages, then pages of the grown dictionary.
        let path = try ReaderFixtures.path("pyarrow-dictionary-tiny-pages")
        #expect(try ReaderFixtures.differences(path: path) == [])
        let reader = try ParquetReader(path: path)
        let chunk = reader.metadata.rowGroups[0].columns[0].metaData
        #expect(chunk?.dictionaryPageOffset != nil)
    }

    @Test func typesMapToColumnarTypes() throws {
        let reader = try ParquetReader(path: try ReaderFixtures.path("pyarrow-v1-none-dict"))
        let types = Dictionary(uniqueKeysWithValues: reader.schema.fields.map { ($0.name, $0.type) })
        #expect(types["u64"] == .uint64)
        #expect(types["u8"] == .uint8)
        #expect(types["s"] == .string)
        #expect(types["bin"] == .binary)
        #expect(types["fixed"] == .fixedBinary(4))
        #expect(types["date"] == .date)
        #expect(types["ts_ms"] == .timestamp(.milliseconds, isAdjustedToUTC: false))
        #expect(types["ts_us_utc"] == .timestamp(.microseconds, isAdjustedToUTC: true))
        #expect(types["dec7"] == .decimal(precision: 7, scale: 2))
        #expect(types["dec30"] == .decimal(precision: 30, scale: 5))
        #expect(reader.schema.fields.first { $0.name == "req" }?.isNullable == false)
        // Decimals of precision <= 18 stored as FIXED_LEN_BYTE_ARRAY use integer storage.
        let batch = try reader.readRowGroup(0, columns: ["dec7", "dec15", "dec30"])
        guard case .int32 = batch.columns[0].values, case .int64 = batch.columns[1].values,
            case .bytes = batch.columns[2].values
        else {
            Issue.record("decimal storage: \(batch.columns.map(\.values.count))")
            return
        }
    }
}
