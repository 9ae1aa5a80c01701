import Columnar
import Engine
import Foundation

/// Rows a table holds in memory's stead: the current rows of a job's `sql` step, handed over as a stream.
///
/// The stream can be read once. A statement that names the table more than once (a self-join, a CTE used twice)
/// reads it into memory at its first scan, and every scan then reads that copy. The binder notes each mention
/// (``noteReference()``) before anything runs, so that only such a statement pays for the copy.
public final class SQLRowSource: @unchecked Sendable {
    /// The rows' columns.
    public let schema: Schema
    private let lock = NSLock()
    private var live: (any BatchStream)?
    private var copy: [RecordBatch]?
    private var references = 0

    /// The rows of `stream`, not yet read.
    public init(_ stream: any BatchStream) {
        self.schema = stream.schema
        self.live = stream
    }

    /// Counts one mention of the table in the statement being bound.
    func noteReference() {
        lock.withLock { references += 1 }
    }

    /// A stream of the rows, for one scan.
    ///
    /// - Throws: ``SQLError`` when the rows were already read by a scan that could not know a second one would
    ///   come (a scalar subquery runs while the statement is still being bound).
    func take() throws -> any BatchStream {
        try lock.withLock {
            if let copy { return ArrayBatchStream(schema: schema, batches: copy) }
            guard var stream = live else {
                throw SQLError(
                    "the step's input was read by a subquery before the rest of the query named it again; name "
                        + "input once (a join or a window of the subquery's value instead)"
                )
            }
            live = nil
            guard references > 1 else { return stream }
            var batches: [RecordBatch] = []
            while let batch = try stream.next() { batches.append(batch) }
            copy = batches
            return ArrayBatchStream(schema: schema, batches: batches)
        }
    }
}

extension SQLRowSource: Hashable {
    public static func == (lhs: SQLRowSource, rhs: SQLRowSource) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
