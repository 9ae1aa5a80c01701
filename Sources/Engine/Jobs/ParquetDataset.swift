import Foundation

/// The layout of a Parquet dataset directory, as jobs write it and as readers (jobs, `sluice cat`) find its parts.
public enum ParquetDataset {
    /// The part files of a dataset directory: `*.parquet`, skipping names that start with `_` or `.` (markers,
    /// rejects, temporary files), sorted by name.
    public static func files(in directory: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        return names.filter { $0.hasSuffix(".parquet") && !$0.hasPrefix("_") && !$0.hasPrefix(".") }.sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
    }
}
