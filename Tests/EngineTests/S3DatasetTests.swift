import AWS
import Engine
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

/// The seed's jobs with their data in S3 (moto's server): inputs read from `s3://` CSV prefixes, outputs committed
/// under `s3://` prefixes with run-unique names and a `_SUCCESS` manifest, read back by pyarrow and Polars from S3
/// with values identical to a local run; files that pyarrow and Polars wrote to S3 read by Sluice.
@Suite(.serialized, .tags(.pythonPeers), .needsPythonPeers) struct S3DatasetTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    static let peers = Paths.packageRoot.appendingPathComponent("Tests/EngineTests/Fixtures/s3_peers.py")
    private static let server = Task { try await MotoS3Server.start() }

    struct PeerFailure: Error, CustomStringConvertible {
        var description: String
    }

    struct World {
        var moto: MotoS3Server
        var bucket: String
        var store: ObjectStore
        var runner: JobRunner

        func peer(_ arguments: [String]) throws -> String {
            let output = try Subprocess.run(
                Python.executable,
                [S3DatasetTests.peers.path] + arguments,
                environment: moto.clientEnvironment()
            )
            guard output.status == 0 else { throw PeerFailure(description: "s3_peers.py failed: \(output.stderr)") }
            return output.stdout
        }

        func listing(_ prefix: String) throws -> (keys: [String], uploads: [String]) {
            let object = try JSONSerialization.jsonObject(with: Data(try peer(["listing", bucket, prefix]).utf8))
            let dictionary = object as? [String: [String]] ?? [:]
            return (dictionary["keys"] ?? [], dictionary["uploads"] ?? [])
        }
    }

    /// A bucket with the seed's two CSVs uploaded (by boto3) where the seed puts them.
    static func world(_ label: String) async throws -> World {
        let moto = try await server.value
        let bucket = "\(label)-\(UUID().uuidString.prefix(8).lowercased())"
        let store = ObjectStore(environment: AWSEnvironment(variables: moto.processEnvironment()), logger: logger)
        let root = Paths.packageRoot.path
        let runner = JobRunner(
            catalog: try JobCatalog(directory: root + "/jobs"),
            baseDirectory: root,
            store: store,
            logger: logger
        )
        let world = World(moto: moto, bucket: bucket, store: store, runner: runner)
        for (prefix, name) in [
            ("sales", "SalesPipeline_QuickSightSample.csv"), ("marketing", "MarketingData_QuickSightSample.csv"),
        ] {
            _ = try world.peer(["upload", bucket, "\(prefix)/\(name)", Paths.sample(name).path])
        }
        return world
    }

    @Test func theSeedFlowRunsFromS3ToS3AndPeersReadTheSameValues() async throws {
        let world = try await Self.world("seed")
        defer { Task { await world.store.shutdown() } }
        let local = try Paths.temporaryDirectory("s3-seed-local")
        defer { try? FileManager.default.removeItem(at: local) }
        _ = try await Pipeline.seed.run(with: world.runner, outputRoot: local.path)

        let request = JobRequest(inputs: [
            "sales": "s3://\(world.bucket)/sales/", "marketing": "s3://\(world.bucket)/marketing",
        ])
        let reports = try await Pipeline.seed.run(
            with: world.runner,
            outputRoot: "s3://\(world.bucket)/output/",
            request: request
        )
        let byJob = Dictionary(uniqueKeysWithValues: reports.map { ($0.job, $0) })
        #expect(byJob["psd"]?.rowsRead == 20_994)
        #expect(byJob["psd"]?.rowsWritten == 1802)
        #expect(byJob["pmd"]?.rowsWritten == 1461)
        #expect(byJob["jmsd"]?.rowsRead == 1802 + 1461)
        #expect(byJob["jmsd"]?.rowsWritten == 1393)
        #expect(byJob["psd"]?.output == "s3://\(world.bucket)/output/psd/")

        for (job, rows) in [("psd", 1802), ("pmd", 1461), ("jmsd", 1393)] {
            let answer = try world.peer([
                "compare", world.bucket, "output/\(job)", local.appendingPathComponent(job).path,
            ])
            let figures = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any])
            #expect(figures["rows"] as? Int == rows, "\(job): \(answer)")
            #expect(figures["pyarrow_equal"] as? Bool == true, "\(job): \(answer)")
            #expect(figures["polars_equal"] as? Bool == true, "\(job): \(answer)")
            let files = figures["files"] as? [String] ?? []
            #expect(files.count == 1)
            #expect(files.allSatisfy { $0.hasPrefix("output/\(job)/part-00000-") && $0.hasSuffix(".parquet") })
            // The dataset holds the manifest's files and the manifest: nothing else, no upload left open.
            let listing = try world.listing("output/\(job)/")
            #expect(listing.keys == (files + ["output/\(job)/_SUCCESS"]).sorted())
            #expect(listing.uploads.isEmpty)
        }
    }

    @Test func anOverwriteReplacesTheDatasetAndCleansThePreviousRun() async throws {
        let world = try await Self.world("overwrite")
        defer { Task { await world.store.shutdown() } }
        let output = "s3://\(world.bucket)/output/tmp/sales"
        let request = JobRequest(inputs: ["sales": "s3://\(world.bucket)/sales/"], output: output)
        let first = try await world.runner.run(named: "psd", request: request)
        let second = try await world.runner.run(named: "psd", request: request)
        #expect(first.files != second.files)
        let listing = try world.listing("output/tmp/sales/")
        #expect(
            listing.keys == (second.files.map { "output/tmp/sales/\($0)" } + ["output/tmp/sales/_SUCCESS"]).sorted()
        )
        // A failed run (an input that is not there) leaves the dataset as the second run committed it.
        let failed = JobRequest(inputs: ["sales": "s3://\(world.bucket)/nothing-here/"], output: output)
        await #expect(throws: JobError.self) { try await world.runner.run(named: "psd", request: failed) }
        #expect(try world.listing("output/tmp/sales/").keys == listing.keys)
    }

    /// A run whose commit gate refuses (its task went to another worker) commits nothing: the dataset stays as
    /// the earlier run committed it, and the refused run's own, already uploaded file is deleted, not left behind.
    @Test func aRefusedCommitLeavesTheDatasetAndNoFileOfTheRun() async throws {
        struct Lost: Error {}
        let world = try await Self.world("gate")
        defer { Task { await world.store.shutdown() } }
        let output = "s3://\(world.bucket)/partials/file=part-00000"
        let request = JobRequest(inputs: ["sales": "s3://\(world.bucket)/sales/"], output: output)
        let first = try await world.runner.run(named: "psd-partial", request: request)
        let before = try world.listing("partials/file=part-00000/")
        #expect(
            before.keys
                == (first.files.map { "partials/file=part-00000/\($0)" } + ["partials/file=part-00000/_SUCCESS"])
                .sorted()
        )
        let asked = Mutex(0)
        await #expect(throws: Lost.self) {
            try await world.runner.run(
                named: "psd-partial",
                request: request,
                commitGate: {
                    asked.withLock { $0 += 1 }
                    throw Lost()
                }
            )
        }
        #expect(asked.withLock { $0 } == 1)
        let after = try world.listing("partials/file=part-00000/")
        #expect(after.keys == before.keys)
        #expect(after.uploads.isEmpty)
        // An open gate commits as before.
        let third = try await world.runner.run(named: "psd-partial", request: request, commitGate: {})
        #expect(
            try world.listing("partials/file=part-00000/").keys.contains("partials/file=part-00000/\(third.files[0])")
        )
    }

    @Test func filesWrittenToS3ByPyarrowAndPolarsAreReadBySluice() async throws {
        let world = try await Self.world("peers-wrote")
        defer { Task { await world.store.shutdown() } }
        let written = try world.peer(["write", world.bucket, "from-peers/"])
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(written.utf8)) as? [[String: Any]])
        for name in ["pyarrow.parquet", "polars.parquet"] {
            let files = try DatasetListing.files(
                at: .s3(try .init(parsing: "s3://\(world.bucket)/from-peers/\(name)")),
                suffix: ".parquet",
                store: world.store
            )
            #expect(files.count == 1)
            let reader = try files[0].parquetReader(store: world.store)
            #expect(reader.schema.names == ["day", "amount", "name", "ratio"])
            let batch = try reader.readRowGroup(0)
            #expect(batch.count == expected.count)
            for (row, values) in expected.enumerated() {
                #expect(batch.columns[0].value(at: row).text == values["day"] as? String, "\(name) row \(row)")
                #expect(
                    batch.columns[1].value(at: row).text == (values["amount"] as? Int).map(String.init),
                    "\(name) row \(row)"
                )
                #expect(batch.columns[2].value(at: row).text == values["name"] as? String, "\(name) row \(row)")
                #expect(
                    batch.columns[3].value(at: row).text == (values["ratio"] as? Double).map { "\($0)" },
                    "\(name) row \(row)"
                )
            }
        }
        // The prefix as a dataset: both files, in name order.
        let dataset = try DatasetListing.files(
            at: .s3(try .init(parsing: "s3://\(world.bucket)/from-peers")),
            suffix: ".parquet",
            store: world.store
        )
        #expect(
            dataset.map(\.location.description)
                == ["polars.parquet", "pyarrow.parquet"].map { "s3://\(world.bucket)/from-peers/\($0)" }
        )
    }

    @Test func missingKeysAndBucketsAreNamed() async throws {
        let world = try await Self.world("missing")
        defer { Task { await world.store.shutdown() } }
        let noKey = JobRequest(
            inputs: ["sales": "s3://\(world.bucket)/sales/none.csv"],
            output: "s3://\(world.bucket)/out/"
        )
        let keyError = await #expect(throws: JobError.self) { try await world.runner.run(named: "psd", request: noKey) }
        #expect(keyError?.message.contains("s3://\(world.bucket)/sales/none.csv") == true)
        let noBucket = JobRequest(inputs: [
            "sales": "s3://no-such-bucket-\(UUID().uuidString.prefix(6).lowercased())/x.csv"
        ])
        let bucketError = await #expect(throws: (any Error).self) {
            try await world.runner.run(named: "psd", request: noBucket)
        }
        #expect("\(bucketError.map { "\($0)" } ?? "")".contains("NoSuchBucket"))
        let malformed = JobRequest(output: "s3:///no-bucket")
        await #expect(throws: (any Error).self) { try await world.runner.run(named: "psd", request: malformed) }
        #expect(try world.listing("out/").keys.isEmpty)
    }
}
