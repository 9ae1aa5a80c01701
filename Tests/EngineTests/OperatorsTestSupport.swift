import Columnar
import Foundation
import TestSupport

@testable import Engine

// Builders and readers shared by the Operators tests.

func int64Column(_ values: [Int64?], type: DataType = .int64) -> Column {
    Column(type: type, values: .int64(values.map { $0 ?? 0 }), validity: validity(values))
}

func int32Column(_ values: [Int32?], type: DataType = .int32) -> Column {
    Column(type: type, values: .int32(values.map { $0 ?? 0 }), validity: validity(values))
}

func doubleColumn(_ values: [Double?]) -> Column {
    Column(type: .double, values: .double(values.map { $0 ?? 0 }), validity: validity(values))
}

func boolColumn(_ values: [Bool?]) -> Column {
    Column(type: .boolean, values: .boolean(values.map { $0 ?? false }), validity: validity(values))
}

func stringColumn(_ values: [String?]) -> Column {
    var arrays = ByteArrays()
    for value in values {
        if let value { arrays.append(value) } else { arrays.appendEmpty() }
    }
    return Column(type: .string, values: .bytes(arrays), validity: validity(values))
}

private func validity<T>(_ values: [T?]) -> [Bool]? {
    values.contains { $0 == nil } ? values.map { $0 != nil } : nil
}

func makeBatch(_ columns: KeyValuePairs<String, Column>) -> RecordBatch {
    RecordBatch(
        schema: Schema(columns.map { Field($0.key, $0.value.type) }),
        columns: columns.map(\.value)
    )
}

/// Every row of `batch` as boxed values.
func rows(_ batch: RecordBatch) -> [[Value]] {
    (0..<batch.count).map { batch.row($0) }
}

/// The values of column `name` of `batch`.
func values(_ batch: RecordBatch, _ name: String) -> [Value] {
    let column = batch.column(named: name)!
    return (0..<column.count).map { column.value(at: $0) }
}

/// Days since 1970-01-01 of a date, for readable test data.
func day(_ year: Int, _ month: Int, _ day: Int) -> Int32 {
    Int32(daysFromCivil(Int64(year), Int64(month), Int64(day)))
}
