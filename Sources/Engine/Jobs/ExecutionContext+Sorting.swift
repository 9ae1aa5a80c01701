import Columnar
import Foundation

extension ExecutionContext {
    /// The memory a sort or a join may hold before spilling: three quarters of the request's limit (the rest is
    /// for the batches in flight and the writer), else half the machine's memory. The budgets count only the rows
    /// an operator holds, not the whole process.
    var memoryBudget: Int {
        if let limit = execution.request.memoryLimit { return limit / 4 * 3 }
        return Int(clamping: ProcessInfo.processInfo.physicalMemory / 2)
    }

    /// `stream` sorted by `keys`, spilling sorted runs beside the output when it outgrows ``memoryBudget``.
    func sortedStream(_ stream: any BatchStream, by keys: [SortKey]) throws -> any BatchStream {
        var input = stream
        let sorter = try ExternalSorter(
            schema: stream.schema,
            keys: keys,
            memoryBudget: memoryBudget,
            temporaryDirectory: try spillDirectory()
        )
        while let batch = try input.next() {
            try execution.checkCancelled()
            try sorter.add(batch)
        }
        return try sorter.finish()
    }

    /// The inner sort-merge join of `left` and `right` on `keys`: in memory when both inputs fit in half the
    /// budget, otherwise over sorted runs spilled beside the output.
    func joinedStream(_ left: any BatchStream, _ right: any BatchStream, on keys: [String]) throws -> any BatchStream {
        try MergeJoin.joining(
            left: left,
            right: right,
            leftKeys: keys,
            rightKeys: keys,
            memoryBudget: memoryBudget,
            temporaryDirectory: try spillDirectory()
        )
    }
}
