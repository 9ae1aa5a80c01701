import Columnar
import Logging
import Parquet

/// The batches of a dataset read outside a job run (a SQL query's table, say): a ``JobInput``'s format, columns
/// and CSV options at a location, read the way a job reads its inputs.
public final class DatasetScan: BatchStream {
    private let stream: InputStream

    /// The schema of the columns read.
    public var schema: Schema { stream.schema }
    /// The rows read so far.
    public var rowsRead: Int { stream.rowsRead }
    /// The bytes of the dataset's files read so far.
    public var bytesRead: Int { stream.bytesRead }
    /// The Parquet row groups skipped by `rowGroupPredicates` so far.
    public var rowGroupsSkipped: Int { stream.rowGroupsSkipped }
    /// The rows the dataset holds, from its metadata before anything is read (an estimate for CSV and for datasets
    /// of several files).
    public var estimatedRows: Int? { stream.estimatedRows }
    /// For a single Parquet file, the most distinct values each integer or date column can hold (by its
    /// statistics), by column name; empty when unknown.
    public var distinctValueBounds: [String: Int] { stream.distinctValueBounds }

    /// Opens `input` at `location` (a file, a dataset directory or an S3 prefix), reading only `columns` (every
    /// column when `nil`; CSV readers skip the others, Parquet readers do not decode them). Parquet row groups whose
    /// statistics prove that no row satisfies every one of `rowGroupPredicates` are not read (the rows that are read
    /// are not filtered by them). The CSV reader's repairs are logged as warnings on `logger`.
    ///
    /// - Throws: ``JobError`` or the readers' errors, naming the file or `s3://` key at fault.
    public init(
        _ input: JobInput,
        at location: DataLocation,
        store: ObjectStore?,
        columns: [String]? = nil,
        rowGroupPredicates: [ParquetPredicate] = [],
        logger: Logger
    ) throws {
        let hooks = InputStream.Hooks(warn: { warning in
            logger.warning("\(warning)", metadata: ["table": "\(input.name)"])
        })
        stream = try InputStream.open(
            input,
            at: location,
            store: store,
            columns: columns.map { .only($0) } ?? .all,
            predicates: rowGroupPredicates,
            hooks: hooks
        )
    }

    public func next() throws -> RecordBatch? { try stream.next() }
}
