import Storage

/// Writes one run's dataset so that it replaces the previous one only when the run commits: a failed or killed
/// run leaves the previous dataset whole and readable. ``DatasetCommit`` does it for a local directory (a temporary
/// directory swapped in), ``S3DatasetCommit`` for an S3 prefix (run-unique names, the manifest last, then cleanup).
protocol DatasetCommitting: AnyObject, Sendable {
    /// The dataset being replaced.
    var target: DataLocation { get }
    /// This run's id (in S3 part names and in the manifest).
    var runId: String { get }
    /// The name of data file `index` (0-based) with extension `ext`.
    func partName(index: Int, extension ext: String) -> String
    /// The name of the rejects file.
    var rejectsName: String { get }
    /// A new file of this run, not visible as part of the dataset before ``commit(_:)``.
    func sink(named name: String) throws -> any ByteSink
    /// Makes the run's files the dataset, with `manifest` as its `_SUCCESS`, and removes what the previous run left.
    func commit(_ manifest: DatasetManifest) throws
    /// Discards the run's files; the previous dataset stays as it was.
    func abort()
    /// A local directory for the run's spill files (created by the caller, removed by it).
    var spillDirectory: String { get }
}
