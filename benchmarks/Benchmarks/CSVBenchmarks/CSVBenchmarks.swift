// The CSV reader on the sample sales CSV repeated to 64 MB: psd's three columns (projection) and all 12 columns.
import Benchmark
import BenchmarkSupport
import CSV
import Columnar
import Foundation

let benchmarks: @Sendable () -> Void = {
    let bytes = Fixtures.salesCSV(atLeast: 64 << 20)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-bench-sales-64MB.csv").path
    if (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) != bytes.count {
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }
    let date = CSVColumnType.date(format: "M/d/yyyy")
    let all: [CSVColumn] = [
        CSVColumn(name: "Date", type: date),
        CSVColumn(name: "Salesperson", type: .string(emptyIsNull: false)),
        CSVColumn(name: "Lead Name", type: .string(emptyIsNull: false)),
        CSVColumn(name: "Segment", type: .string(emptyIsNull: false)),
        CSVColumn(name: "Region", type: .string(emptyIsNull: false)),
        CSVColumn(name: "Target Close", type: date),
        CSVColumn(name: "Forecasted Monthly Revenue", type: .int64),
        CSVColumn(name: "Opportunity Stage", type: .string(emptyIsNull: false)),
        CSVColumn(name: "Weighted Revenue", type: .int64),
        CSVColumn(name: "Closed Opportunity", type: .boolean),
        CSVColumn(name: "Active Opportunity", type: .boolean),
        CSVColumn(name: "Latest Status Entry", type: .boolean),
    ]
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident],
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 20
    )

    func read(_ projection: [String]?) throws -> Int {
        let reader = try CSVReader(path: path, columns: all, projection: projection)
        var rows = 0
        while let batch = try reader.next() { rows += batch.count }
        return rows
    }

    Benchmark("CSV read 64 MB, psd projection (3 of 12 columns)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try read(["Date", "Forecasted Monthly Revenue", "Opportunity Stage"]))
        }
    }
    Benchmark("CSV read 64 MB, all 12 columns typed", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try read(nil))
        }
    }
}
