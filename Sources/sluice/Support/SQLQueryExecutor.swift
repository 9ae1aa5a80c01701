import Engine
import Foundation
import Logging
import Runner
import S3
import SQL
import Storage
import Synchronization

/// Runs Athena-runner tasks with Sluice's own SQL (the one place where the worker meets `SQL`; `Runner` knows
/// queries only through ``QueryExecuting``).
///
/// Each query reads the catalog file afresh (a `CREATE TABLE` of an earlier task is seen), resolves
/// `AthenaNamedQuery` against its `named_queries`, runs in `AthenaDatabase` (else the named query's database, else
/// the catalog's default), and writes the last statement's rows to `<AthenaResultOutputLocation>/<id>.csv` in
/// Athena's format (``AthenaCSV``). The object appears only when complete: an S3 upload is completed (or a single
/// PUT made) after the last row, a local file is written beside its name and renamed over it; a failed or
/// cancelled query leaves nothing.
///
/// The SQL engine is synchronous and CPU-bound, so each query runs on a thread of its own, never on the worker's
/// cooperative pool (where it would hold up heartbeats and polls).
struct SQLQueryExecutor: QueryExecuting {
    /// The catalog file.
    let catalogPath: String
    /// The directory relative table paths and result locations are resolved against.
    let baseDirectory: String
    /// The object stores for `s3://` tables and results.
    let store: ObjectStore?
    /// What sorts and joins may hold before spilling.
    let memoryBudget: Int

    func run(_ request: AthenaQueryRequest, queryExecutionId: String, logger: Logger) async throws -> QueryOutcome {
        let cancelled = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<QueryOutcome, Error>) in
                let thread = Thread {
                    continuation.resume(
                        with: Result {
                            try execute(request, id: queryExecutionId, cancelled: cancelled, logger: logger)
                        }
                    )
                }
                thread.name = "sluice-query-\(queryExecutionId.prefix(8))"
                thread.stackSize = 8 << 20
                thread.start()
            }
        } onCancel: {
            cancelled.set()
        }
    }

    private func execute(
        _ request: AthenaQueryRequest,
        id: String,
        cancelled: CancellationFlag,
        logger: Logger
    ) throws -> QueryOutcome {
        let submitted = Date()
        var catalog: SQLCatalog
        do { catalog = try SQLCatalog(contentsOf: catalogPath, parameters: ProcessInfo.processInfo.environment) } catch
        {
            throw QueryFailure(queryString: request.queryString, message: "\(error)")
        }
        var text = request.queryString ?? ""
        var database = request.database
        if let name = request.namedQuery {
            guard let named = catalog.namedQueries[name] else {
                let known = catalog.namedQueries.keys.sorted()
                throw QueryFailure(
                    queryString: nil,
                    message: "no named query \"\(name)\" in \(catalogPath)"
                        + (known.isEmpty ? " (it has none)" : " (it has: \(known.joined(separator: ", ")))")
                )
            }
            text = named.query
            database = database ?? named.database
        }
        let chosen = (database ?? catalog.defaultDatabase).lowercased()
        guard catalog.databases[chosen] != nil else {
            throw QueryFailure(
                queryString: text,
                message: "unknown database \"\(chosen)\" (\(catalogPath) has: "
                    + catalog.databases.keys.sorted().joined(separator: ", ") + ")"
            )
        }
        catalog.defaultDatabase = chosen
        let target: DataLocation
        do {
            target = try DataLocation(request.outputLocation, relativeTo: baseDirectory).appending("\(id).csv")
        } catch {
            throw QueryFailure(queryString: text, message: "AthenaResultOutputLocation: \(error)")
        }
        let session = SQLSession(
            catalog: catalog,
            store: store,
            baseDirectory: baseDirectory,
            memoryBudget: memoryBudget,
            logger: logger
        )
        var rows = 0
        do {
            let statements = try SQLParser.statements(text)
            for (index, statement) in statements.enumerated() {
                let result = try session.execute(statement, text: text)
                guard index == statements.count - 1 else {
                    // Earlier statements (USE, CREATE TABLE …) run for their effect; their rows are drained.
                    var batches = result.batches
                    while try batches.next() != nil {}
                    continue
                }
                let sink = try ResultSink(target, store: store)
                do {
                    rows = try AthenaCSV.write(result, to: sink.sink)
                    if cancelled.isSet { throw CancellationError() }
                    try sink.commit()
                } catch {
                    sink.abort()
                    throw error
                }
            }
        } catch let error as CancellationError {
            throw error
        } catch {
            throw QueryFailure(queryString: text, message: "\(error)")
        }
        let outcome = QueryOutcome(
            queryExecutionId: id,
            queryString: text,
            database: chosen,
            resultLocation: target.description,
            rows: rows,
            bytesScanned: session.bytesScanned,
            encryptionOption: request.encryptionOption,
            submittedAt: submitted,
            completedAt: Date()
        )
        logger.info(
            "query succeeded",
            metadata: [
                "rows": "\(rows)", "bytes_scanned": "\(outcome.bytesScanned)", "result": "\(outcome.resultLocation)",
            ]
        )
        return outcome
    }
}

/// Set when the query's task is cancelled: the result is then not committed.
private final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    var isSet: Bool { flag.load(ordering: .relaxed) }

    func set() { flag.store(true, ordering: .relaxed) }
}

/// The result object being written: an S3 upload completed only by ``commit()``, or a local file written beside its
/// name and renamed over it.
private struct ResultSink {
    let sink: any ByteSink
    private let rename: (from: String, to: String)?

    init(_ location: DataLocation, store: ObjectStore?) throws {
        switch location {
        case .local(let path):
            let directory = (path as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let temporary = (directory as NSString).appendingPathComponent(
                ".\((path as NSString).lastPathComponent).sluice-tmp-\(getpid())-\(UUID().uuidString.prefix(8))"
            )
            sink = try LocalFileSink(path: temporary)
            rename = (temporary, path)
        case .s3(let object):
            guard let store else { throw CommandFailure("\(object): no S3 client for results in S3") }
            let options = store.uploadOptions
            sink = S3ByteSink(
                client: try store.s3(),
                location: object,
                partSize: options.partSize,
                maxInFlight: options.maxInFlight,
                contentType: "text/csv"
            )
            rename = nil
        }
    }

    func commit() throws {
        try sink.close()
        if let rename {
            guard Foundation.rename(rename.from, rename.to) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(rename.from)
                throw CommandFailure("\(rename.to): cannot replace the result: \(reason)")
            }
        }
    }

    func abort() {
        sink.abort()
        if let rename { unlink(rename.from) }
    }
}
