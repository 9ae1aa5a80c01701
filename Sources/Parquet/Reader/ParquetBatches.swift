import Columnar
import Dispatch
import Storage

/// The batches of a ``ParquetReader``, one per row group that may match the predicate.
///
/// Iterate it as a sequence of `Result`s, or call ``Iterator/nextBatch()`` to get errors thrown. With
/// ``ParquetReader/Options/prefetchesRowGroups`` the next row group is read on another thread while the caller
/// works on the current one.
public struct ParquetBatches: Sequence, Sendable {
    let reader: ParquetReader
    let columns: [String]?
    let predicate: ParquetPredicate?

    /// An iterator that reads the row groups one at a time.
    public func makeIterator() -> Iterator { Iterator(batches: self) }

    /// Reads the row groups one by one.
    public struct Iterator: IteratorProtocol {
        let batches: ParquetBatches
        var groups: [Int]?
        var position = 0
        var failed = false
        /// The read of `groups[position]`, started ahead of time.
        var prefetched: PendingRowGroup?

        init(batches: ParquetBatches) { self.batches = batches }

        /// The next batch, or nil at the end; throws ``ParquetError`` when a row group does not decode.
        public mutating func nextBatch() throws -> RecordBatch? {
            if failed { return nil }
            do {
                if groups == nil {
                    groups = try batches.reader.rowGroups(matching: batches.predicate)
                }
                let groups = groups!
                guard position < groups.count else { return nil }
                let batch: RecordBatch
                if let prefetched {
                    self.prefetched = nil
                    batch = try prefetched.get()
                } else {
                    batch = try batches.reader.readRowGroup(groups[position], columns: batches.columns)
                }
                position += 1
                if batches.reader.options.prefetchesRowGroups && position < groups.count {
                    prefetched = PendingRowGroup(batches.reader, group: groups[position], columns: batches.columns)
                }
                return batch
            } catch {
                failed = true
                throw error
            }
        }

        /// The next batch or the error that ended the iteration; nil at the end.
        public mutating func next() -> Result<RecordBatch, ParquetError>? {
            do {
                return try nextBatch().map { .success($0) }
            } catch let error as ParquetError {
                return .failure(error)
            } catch let error as StorageError {
                return .failure(ParquetError(error))
            } catch {
                return .failure(ParquetError(.io, "\(error)", path: batches.reader.path))
            }
        }
    }
}

/// A row group being read on another thread.
final class PendingRowGroup: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    // Written once by the reading thread before `done` is signalled; read only after waiting on `done`.
    private var result: Result<RecordBatch, any Error>?

    init(_ reader: ParquetReader, group: Int, columns: [String]?) {
        DispatchQueue.global().async { [self] in
            result = Result { try reader.readRowGroup(group, columns: columns) }
            done.signal()
        }
    }

    /// Waits for the read and returns its batch or throws its error.
    func get() throws -> RecordBatch {
        done.wait()
        done.signal()  // later calls return at once
        return try result!.get()
    }
}
