import Columnar
import Testing

@testable import Engine

@Suite("Operators: columnar take, gather, slice, concatenate, rechunk")
struct OperatorsColumnarTests {
    let batch = makeBatch([
        "i": int64Column([1, nil, 3, 4]),
        "s": stringColumn(["a", "bb", nil, ""]),
        "b": boolColumn([true, false, nil, true]),
        "d": doubleColumn([0.5, 1.5, 2.5, nil]),
        "t": int32Column([10, 11, nil, 13], type: .date),
    ])

    @Test func takeRepeatsAndReordersWithNulls() {
        let out = batch.take([3, 0, 2, 2] as [Int32])
        #expect(rows(out) == [rows(batch)[3], rows(batch)[0], rows(batch)[2], rows(batch)[2]])
        #expect(batch.take([] as [Int32]).count == 0)
        #expect(batch.take([1] as [Int]).row(0) == batch.row(1))
    }

    @Test func gatherFromSeveralBatches() {
        let other = batch.slice(2..<4)
        let references = [
            RowReference(source: 1, row: 1), RowReference(source: 0, row: 0), RowReference(source: 1, row: 0),
            RowReference(source: 0, row: 3),
        ]
        let out = RecordBatch.gather(references, from: [batch, other])
        #expect(rows(out) == [batch.row(3), batch.row(0), batch.row(2), batch.row(3)])
        // A source without nulls mixed with one with nulls.
        let plain = makeBatch(["x": int64Column([7, 8])])
        let nulls = makeBatch(["x": int64Column([nil])])
        let mixed = RecordBatch.gather(
            [RowReference(source: 1, row: 0), RowReference(source: 0, row: 1)],
            from: [plain, nulls]
        )
        #expect(rows(mixed) == [[.null], [.int(8)]])
    }

    @Test func sliceAndConcatenateRoundTrip() {
        let parts = [batch.slice(0..<1), batch.slice(1..<1), batch.slice(1..<4)]
        #expect(RecordBatch.concatenate(parts, schema: batch.schema) == batch)
        #expect(RecordBatch.concatenate([], schema: batch.schema).count == 0)
        #expect(batch.slice(0..<1).columns[0].validity == nil)
        #expect(batch.chunked(size: 3).map(\.count) == [3, 1])
    }

    @Test func rechunkerMakesFullBatches() {
        var rechunker = Rechunker(schema: batch.schema, batchSize: 3)
        var out: [RecordBatch] = []
        for piece in [batch.slice(0..<1), batch, batch.slice(0..<0), batch.slice(1..<4), batch, batch.slice(2..<3)] {
            out += rechunker.push(piece)
        }
        if let last = rechunker.finish() { out.append(last) }
        #expect(out.map(\.count) == [3, 3, 3, 3, 1])
        let all = RecordBatch.concatenate(out, schema: batch.schema)
        let expected = RecordBatch.concatenate(
            [batch.slice(0..<1), batch, batch.slice(1..<4), batch, batch.slice(2..<3)],
            schema: batch.schema
        )
        #expect(all == expected)
        var empty = Rechunker(schema: batch.schema, batchSize: 5)
        #expect(empty.finish() == nil)
    }
}
