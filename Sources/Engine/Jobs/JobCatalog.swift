import Foundation

/// The jobs of a directory of job files (`jobs/*.json`), looked up by name, alias or path.
public struct JobCatalog: Sendable {
    /// The directory the job files were read from.
    public var directory: String
    /// The jobs, sorted by name.
    public var jobs: [JobDefinition]

    /// Reads every `*.json` file of `directory`.
    ///
    /// - Throws: ``JobError`` when the directory cannot be read, a job file is malformed, or two jobs share a
    ///   name or alias.
    public init(directory: String) throws {
        self.directory = directory
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw JobError("\(directory): cannot read the jobs directory (use --jobs DIR to name another)")
        }
        var jobs: [JobDefinition] = []
        var owners: [String: String] = [:]
        for name in names.sorted() where name.hasSuffix(".json") {
            let path = (directory as NSString).appendingPathComponent(name)
            let job = try JobDefinition(contentsOf: path)
            for key in [job.name] + job.aliases {
                if let other = owners[key.lowercased()] {
                    throw JobError("\(path): job name or alias \"\(key)\" is already used by \(other)")
                }
                owners[key.lowercased()] = path
            }
            jobs.append(job)
        }
        self.jobs = jobs.sorted { $0.name < $1.name }
    }

    /// Creates a catalog from definitions already in memory.
    public init(jobs: [JobDefinition], directory: String = "") {
        self.directory = directory
        self.jobs = jobs
    }

    /// The job called `reference`: a job name or alias (case-insensitive), or the path of a job file.
    ///
    /// - Throws: ``JobError`` listing the known jobs when nothing matches.
    public func job(named reference: String) throws -> JobDefinition {
        let key = reference.lowercased()
        if let job = jobs.first(where: { $0.name.lowercased() == key || $0.aliases.contains { $0.lowercased() == key } }
        ) {
            return job
        }
        if reference.hasSuffix(".json") || reference.contains("/") {
            guard FileManager.default.fileExists(atPath: reference) else {
                throw JobError("\(reference): no such job file")
            }
            return try JobDefinition(contentsOf: reference)
        }
        let known = jobs.map { job in
            job.aliases.isEmpty ? job.name : "\(job.name) (\(job.aliases.joined(separator: ", ")))"
        }
        throw JobError(
            "unknown job \"\(reference)\"; known jobs: \(known.isEmpty ? "none in \(directory)" : known.joined(separator: ", "))"
        )
    }
}
