import AWS
import Foundation
import S3

/// A data file found for an input: where it is, and (for S3) the size and ETag the listing gave, so that opening
/// it costs no HeadObject.
public struct DatasetFile: Sendable, Hashable {
    /// The file or object.
    public var location: DataLocation
    /// Its size in bytes.
    public var size: Int
    /// The object's ETag (S3 only).
    public var eTag: String?
}

/// The one rule for the data files of a location, shared by job inputs and the CLI: a file is itself; a dataset
/// directory or S3 prefix is the files its `_SUCCESS` manifest names, or without one every data file, skipping names
/// that start with `_` or `.` (markers, rejects, temporary files), in name order. An S3 prefix is listed once.
///
/// A *partitioned* dataset holds no data files of its own, only partitions: subdirectories (or sub-prefixes) named
/// `NAME=VALUE`, such as `part=00003/`, each a dataset committed by its own run (the partial runs of a fan-out).
/// Its files are every partition's files, partition by partition in name order. Every partition must carry its
/// `_SUCCESS` manifest, and every file the manifest names must be there: a partition whose run failed, is still
/// running or was killed is named in the error rather than read in part.
public enum DatasetListing {
    /// The data files of `location`. `suffix` (such as `.parquet`) keeps only matching names when no manifest says
    /// which files to read.
    ///
    /// - Throws: ``JobError`` when nothing is there, or a manifest names a file that is missing; ``S3Error`` when
    ///   the listing fails.
    public static func files(at location: DataLocation, suffix: String?, store: ObjectStore?) throws -> [DatasetFile] {
        switch location {
        case .local(let path):
            return try localFiles(path, suffix: suffix)
        case .s3(let object):
            guard let store else { throw JobError("\(object): S3 is not available here") }
            return try s3Files(object, suffix: suffix, client: try store.s3())
        }
    }

    static func isHidden(_ name: String) -> Bool {
        name.hasPrefix("_") || name.hasPrefix(".")
    }

    /// Whether `name` is a partition's directory name, `NAME=VALUE`.
    static func isPartitionName(_ name: String) -> Bool {
        guard let equals = name.firstIndex(of: "="), !isHidden(name) else { return false }
        return equals != name.startIndex && name.index(after: equals) != name.endIndex
    }

    private static func localFiles(_ path: String, suffix: String?, partition: Bool = false) throws -> [DatasetFile] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw JobError("\(path): no such file or directory")
        }
        guard isDirectory.boolValue else { return [DatasetFile(location: .local(path), size: fileSize(path))] }
        let marker = (path as NSString).appendingPathComponent(DatasetManifest.fileName)
        if let bytes = FileManager.default.contents(atPath: marker),
            let manifest = try DatasetManifest.decode([UInt8](bytes), name: marker)
        {
            var missing: [String] = []
            let files = manifest.files.compactMap { file -> DatasetFile? in
                let filePath = (path as NSString).appendingPathComponent(file.name)
                guard FileManager.default.fileExists(atPath: filePath) else {
                    missing.append(file.name)
                    return nil
                }
                return DatasetFile(location: .local(filePath), size: fileSize(filePath))
            }
            if !missing.isEmpty {
                throw JobError(
                    "\(marker): the manifest names files that are missing: \(missing.joined(separator: ", "))"
                )
            }
            return files
        }
        if partition, !FileManager.default.fileExists(atPath: marker) {
            throw JobError("\(marker): missing, so the partition is not committed")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw JobError("\(path): cannot list the directory: \(error.localizedDescription)")
        }
        let visible = names.filter { !isHidden($0) }.sorted()
        let partitions = visible.filter { name in
            var isDirectory: ObjCBool = false
            let child = (path as NSString).appendingPathComponent(name)
            return isPartitionName(name) && FileManager.default.fileExists(atPath: child, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }
        if !partitions.isEmpty, partitions.count == visible.count {
            return try partitionedFiles(path, partitions: partitions) { name in
                try localFiles((path as NSString).appendingPathComponent(name), suffix: suffix, partition: true)
            }
        }
        return visible.filter { suffix.map($0.hasSuffix) ?? true }.map {
            let filePath = (path as NSString).appendingPathComponent($0)
            return DatasetFile(location: .local(filePath), size: fileSize(filePath))
        }
    }

    /// The files of every partition, or one error naming every partition that is not committed.
    private static func partitionedFiles(
        _ dataset: String,
        partitions: [String],
        files: (String) throws -> [DatasetFile]
    ) throws -> [DatasetFile] {
        var result: [DatasetFile] = []
        var problems: [String] = []
        for name in partitions {
            do {
                result += try files(name)
            } catch let error as JobError {
                problems.append("\(name) (\(error.message))")
            }
        }
        guard problems.isEmpty else {
            throw JobError(
                "\(dataset): \(problems.count) of \(partitions.count) partitions are not committed, so the dataset "
                    + "is not read: \(problems.joined(separator: "; "))"
            )
        }
        return result
    }

    private static func fileSize(_ path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    private static func s3Files(_ location: S3Location, suffix: String?, client: S3Client) throws -> [DatasetFile] {
        // One listing answers both questions: is `key` an object, or a prefix (`key/…`)?
        let objects = try AWSBlocking.run {
            try await client.listAllObjects(bucket: location.bucket, prefix: location.key)
        }
        if !location.key.isEmpty, !location.key.hasSuffix("/"),
            let object = objects.first(where: { $0.key == location.key })
        {
            return [DatasetFile(location: .s3(location), size: object.size, eTag: object.eTag)]
        }
        let prefix = location.prefix
        let dataset = S3Location(bucket: location.bucket, key: prefix)
        // A partitioned dataset: partitions below the prefix, and no data file directly in it.
        var partitions = Set<String>()
        var holdsDataFiles = false
        for object in objects where object.key.hasPrefix(prefix) {
            let name = object.key.dropFirst(prefix.count)
            if let slash = name.firstIndex(of: "/") {
                let partition = String(name[..<slash])
                if isPartitionName(partition) { partitions.insert(partition) }
            } else if !name.isEmpty, !isHidden(String(name)) {
                holdsDataFiles = true
            }
        }
        if !partitions.isEmpty, !holdsDataFiles {
            return try partitionedFiles(dataset.description, partitions: partitions.sorted()) { name in
                let partition = S3Location(bucket: location.bucket, key: prefix + name + "/")
                return try s3DatasetFiles(
                    partition,
                    named: partition,
                    objects: objects,
                    suffix: suffix,
                    client: client,
                    partition: true
                )
            }
        }
        return try s3DatasetFiles(
            dataset,
            named: location,
            objects: objects,
            suffix: suffix,
            client: client,
            partition: false
        )
    }

    /// The files of the dataset at prefix `dataset`, from a listing that holds it.
    private static func s3DatasetFiles(
        _ dataset: S3Location,
        named location: S3Location,
        objects: [S3Object],
        suffix: String?,
        client: S3Client,
        partition: Bool
    ) throws -> [DatasetFile] {
        let prefix = dataset.key
        var children: [String: S3Object] = [:]
        for object in objects where object.key.hasPrefix(prefix) {
            let name = String(object.key.dropFirst(prefix.count))
            if !name.isEmpty, !name.contains("/") { children[name] = object }
        }
        guard !children.isEmpty else {
            throw JobError("\(location): no such object, and no objects under \(dataset)")
        }
        if partition, children[DatasetManifest.fileName] == nil {
            throw JobError("\(dataset)\(DatasetManifest.fileName): missing, so the partition is not committed")
        }
        func file(_ name: String, _ object: S3Object) -> DatasetFile {
            DatasetFile(
                location: .s3(S3Location(bucket: location.bucket, key: object.key)),
                size: object.size,
                eTag: object.eTag
            )
        }
        if let marker = children[DatasetManifest.fileName] {
            let markerLocation = S3Location(bucket: location.bucket, key: marker.key)
            let bytes = try AWSBlocking.run {
                try await client.getObject(bucket: markerLocation.bucket, key: markerLocation.key)
            }
            if let manifest = try DatasetManifest.decode(bytes, name: markerLocation.description) {
                let missing = manifest.files.map(\.name).filter { children[$0] == nil }
                if !missing.isEmpty {
                    throw JobError(
                        "\(markerLocation): the manifest names objects that are missing: "
                            + missing.joined(separator: ", ")
                    )
                }
                return manifest.files.map { file($0.name, children[$0.name]!) }
            }
        }
        let names = children.keys.filter { !isHidden($0) && (suffix.map($0.hasSuffix) ?? true) }.sorted()
        guard !names.isEmpty else {
            throw JobError("\(dataset): holds no data files\(suffix.map { " (*\($0))" } ?? "")")
        }
        return names.map { file($0, children[$0]!) }
    }
}
