import Columnar
import Foundation

extension ExecutionContext {
    /// The memory the sort and each join may hold before spilling: the request's limit, else half the machine's
    /// memory.
    var memoryBudget: Int {
        execution.request.memoryLimit ?? Int(clamping: ProcessInfo.processInfo.physicalMemory / 2)
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

    /// The inner sort-merge join of `left` and `right` on `keys`; unsorted inputs are sorted first.
    func joinedStream(_ left: any BatchStream, _ right: any BatchStream, on keys: [String]) throws -> any BatchStream {
        try MergeJoin.sortingInputs(
            left: left,
            right: right,
            leftKeys: keys,
            rightKeys: keys,
            memoryBudget: memoryBudget,
            temporaryDirectory: try spillDirectory()
        )
    }
}
