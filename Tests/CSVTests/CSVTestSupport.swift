import Columnar
import Foundation
import TestSupport
import Testing

@testable import CSV

/// Writes `text` (or raw bytes) to a new temporary file and returns its path.
func temporaryCSV(_ text: String, name: String = "test.csv") throws -> String {
    try temporaryCSV(bytes: Array(text.utf8), name: name)
}

func temporaryCSV(bytes: [UInt8], name: String = "test.csv") throws -> String {
    let directory = try Paths.temporaryDirectory("sluice-csv")
    let url = directory.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
}

/// Every row of a reader, boxed.
func rows(of reader: CSVReader) throws -> [[Value]] {
    var result: [[Value]] = []
    while let batch = try reader.next() {
        #expect(batch.schema == reader.schema)
        for i in 0..<batch.count { result.append(batch.row(i)) }
    }
    return result
}

/// Reads `path` with the given columns and options and returns its rows.
func readRows(
    _ path: String,
    columns: [CSVColumn]?,
    projection: [String]? = nil,
    options: CSVOptions = CSVOptions()
) throws -> [[Value]] {
    try rows(of: CSVReader(path: path, columns: columns, projection: projection, options: options))
}

/// Days since 1970-01-01.
func day(_ year: Int, _ month: Int, _ day: Int) -> Value {
    .date(Int32(DateTimeFormat.daysFromCivil(year, month, day)))
}

/// Options with a small chunk size and one thread, for tests of chunk boundaries.
func options(
    chunkSize: Int = 4 << 20,
    threads: Int = 1,
    onError: CSVOptions.OnError = .fail,
    batchSize: Int = 65_536
) -> CSVOptions {
    CSVOptions(batchSize: batchSize, chunkSize: chunkSize, onError: onError, threads: threads)
}

/// Collects rejected rows.
final class RejectCollector: @unchecked Sendable {
    var rows: [CSVRejectedRow] = []
}

/// Everything a read produced: the rows, the rejected rows, and the error that stopped it, if any.
struct CSVReadOutcome: Equatable {
    var rows: [[Value]]
    var rejects: [CSVRejectedRow]
    var error: CSVError?

    init(rows: [[Value]], rejects: [CSVRejectedRow], error: CSVError?) {
        self.rows = rows
        self.rejects = rejects
        self.error = error
    }

    /// Reads `reader` to its end or its first error, collecting rejects.
    init(reading reader: CSVReader) throws {
        let collector = RejectCollector()
        reader.onReject = { collector.rows.append($0) }
        var result: [[Value]] = []
        var failure: CSVError?
        do {
            while let batch = try reader.next() {
                for i in 0..<batch.count { result.append(batch.row(i)) }
            }
        } catch let error as CSVError {
            failure = error
        }
        rows = result
        rejects = collector.rows
        error = failure
    }
}

/// The `CSVError` that `body` throws, or `nil`.
func csvError(_ body: () throws -> Void) -> CSVError? {
    do {
        try body()
        return nil
    } catch let error as CSVError {
        return error
    } catch {
        return nil
    }
}
