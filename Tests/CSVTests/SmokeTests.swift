import Columnar
import TestSupport
import Testing

@testable import CSV

@Test func smoke() throws {
    let path = Paths.sample("SalesPipeline_QuickSightSample.csv").path
    let cols = try CSVReader.inferSchema(path: path)
    print(cols)
    let reader = try CSVReader(path: path, columns: nil)
    var n = 0
    var first: RecordBatch?
    while let b = try reader.next() {
        n += b.count
        if first == nil { first = b }
    }
    print(n, reader.rowsRead, first!.row(0))
    let m = try CSVReader(path: Paths.sample("MarketingData_QuickSightSample.csv").path, columns: nil)
    print(m.columns)
    let all = try m.readAll()
    print(all.map(\.count), all[0].row(0))
}
