import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The command line against S3 (moto's server, through the fault proxy where requests are counted or faults
/// injected): bytes fetched by `cat`, runs killed mid-upload, runs through faults, and bad input.
@Suite(.serialized, .tags(.pythonPeers), .needsPythonPeers) struct S3CommandLineTests {
    static let peers = Paths.packageRoot.appendingPathComponent("Tests/EngineTests/Fixtures/s3_peers.py")

    struct PeerFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `s3_peers.py` against `moto` and decodes its JSON answer.
    static func peer(_ moto: MotoS3Server, _ arguments: [String]) throws -> [String: Any] {
        let output = try Subprocess.run(
            Python.executable,
            [peers.path] + arguments,
            environment: moto.clientEnvironment()
        )
        guard output.status == 0 else {
            throw PeerFailure(description: "s3_peers.py \(arguments[0]): \(output.stderr)")
        }
        if output.stdout.isEmpty { return [:] }
        return try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any] ?? [:]
    }

    static func bucket(_ moto: MotoS3Server, _ label: String) throws -> String {
        let name = "\(label)-\(UUID().uuidString.prefix(8).lowercased())"
        try moto.createBucket(name)
        return name
    }

    /// `sluice ARGUMENTS` with the AWS environment of `moto` (or of `endpoint`, a proxy in front of it).
    static func sluice(
        _ arguments: [String],
        _ moto: MotoS3Server,
        endpoint: String? = nil,
        extra: [String: String] = [:]
    ) throws -> Python.Output {
        try SluiceBinary.run(arguments, environment: moto.processEnvironment(endpoint: endpoint).merging(extra) { $1 })
    }

    @Test func catDownloadsTheFooterAndTheProjectedChunkOnly() async throws {
        let moto = try await MotoS3Server.start()
        let bucket = try Self.bucket(moto, "cat-bytes")
        let facts = try Self.peer(moto, ["wide", bucket, "wide/part-0.parquet", "300000"])
        let footer = try #require(facts["footer"] as? Int)
        let chunk = try #require(facts["date_chunk"] as? Int)
        let size = try #require(facts["size"] as? Int)
        let dates = try #require(facts["first_dates"] as? [String])
        #expect(size > 20 * chunk)
        let proxy = try await FaultProxy.start(upstream: moto.endpoint)
        let result = try Self.sluice(
            ["cat", "s3://\(bucket)/wide/", "--columns", "date", "--limit", "3"],
            moto,
            endpoint: proxy.endpoint
        )
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "date\n" + dates.joined(separator: "\n") + "\n")
        let log = try proxy.requests()
        let fetched = log.filter { $0.method == "GET" }.map(\.bytesSent).reduce(0, +)
        // One listing, one ranged GET of the tail, one of the date chunk: no HeadObject, no other column.
        #expect(log.filter { $0.method == "HEAD" }.isEmpty)
        #expect(log.count == 3, "\(log.map { "\($0.method) \($0.path) \($0.range ?? "")" })")
        #expect(
            Double(fetched) <= 1.2 * Double(footer + chunk),
            "fetched \(fetched) for footer \(footer) + chunk \(chunk)"
        )
    }

    /// A job copying a CSV into Parquet parts of 20,000 rows, for the kill test.
    static func copyJob(in directory: URL) throws -> URL {
        let jobs = directory.appendingPathComponent("jobs")
        try FileManager.default.createDirectory(at: jobs, withIntermediateDirectories: true)
        let job = """
            {
              "name": "copy",
              "inputs": [{ "name": "rows", "format": "csv", "path": "rows.csv",
                "columns": [{ "name": "id", "type": "int64" }, { "name": "value", "type": "int64" },
                            { "name": "label", "type": "string" }] }],
              "output": { "format": "parquet", "rows_per_part": 20000 }
            }
            """
        try job.write(to: jobs.appendingPathComponent("copy.json"), atomically: true, encoding: .utf8)
        return jobs
    }

    /// `rows` lines of `id,value,label` whose values depend on `seed`.
    static func rowsCSV(_ url: URL, rows: Int, seed: Int) throws {
        var text = "id,value,label\n"
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        for id in 0..<rows {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            text += "\(id),\(Int64(bitPattern: state >> 1)),label-\(state % 997)\n"
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test func aCSVObjectIsOneStreamedGetOrParallelRangesWhenAsked() async throws {
        let moto = try await MotoS3Server.start()
        let bucket = try Self.bucket(moto, "csv-reads")
        let directory = try Paths.temporaryDirectory("cli-s3-csv-reads")
        defer { try? FileManager.default.removeItem(at: directory) }
        let jobs = try Self.copyJob(in: directory)
        let csv = directory.appendingPathComponent("rows.csv")
        try Self.rowsCSV(csv, rows: 30_000, seed: 3)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: csv.path)[.size] as? Int)
        _ = try Self.peer(moto, ["upload", bucket, "in/rows.csv", csv.path])
        let proxy = try await FaultProxy.start(upstream: moto.endpoint)
        func copy(to output: String, _ extra: [String: String]) throws -> [FaultProxy.LoggedRequest] {
            try proxy.reset()
            let result = try Self.sluice(
                ["run", "copy", "--jobs", jobs.path, "--input", "rows=s3://\(bucket)/in/rows.csv", "--output", output],
                moto,
                endpoint: proxy.endpoint,
                extra: extra
            )
            #expect(result.status == 0, "\(result.stderr)")
            return try proxy.requests().filter { $0.method == "GET" && $0.path.hasSuffix("/in/rows.csv") }
        }
        // By default the object is one GET, whole.
        let whole = try copy(to: "s3://\(bucket)/out/whole", [:])
        #expect(whole.count == 1, "\(whole.map { $0.range ?? "-" })")
        #expect(whole.map(\.bytesSent).reduce(0, +) == size)
        // Asked for 64 KiB blocks, four ahead: ranged GETs that cover the object once.
        let blocks = try copy(
            to: "s3://\(bucket)/out/blocks",
            ["SLUICE_S3_READ_BLOCK_SIZE": "64KiB", "SLUICE_S3_READ_AHEAD": "4"]
        )
        #expect(blocks.count == (size + 65_535) / 65_536)
        #expect(blocks.allSatisfy { $0.range != nil })
        #expect(blocks.map(\.bytesSent).reduce(0, +) == size)
        let a = try Self.sluice(["cat", "s3://\(bucket)/out/whole", "--columns", "id,value,label"], moto)
        let b = try Self.sluice(["cat", "s3://\(bucket)/out/blocks", "--columns", "id,value,label"], moto)
        #expect(a.status == 0 && a.stdout.split(separator: "\n").count == 30_001)
        #expect(a.stdout == b.stdout)
        let bad = try Self.sluice(["cat", "s3://\(bucket)/out/whole"], moto, extra: ["SLUICE_S3_READ_AHEAD": "none"])
        #expect(bad.status == 1 && bad.stderr.contains("SLUICE_S3_READ_AHEAD"), "\(bad.stderr)")
    }

    @Test func runsKilledDuringTheirUploadsNeverLoseOrMixTheDataset() async throws {
        let moto = try await MotoS3Server.start(partMinimumSize: 1024)
        let bucket = try Self.bucket(moto, "kill")
        let directory = try Paths.temporaryDirectory("cli-s3-kill")
        defer { try? FileManager.default.removeItem(at: directory) }
        let jobs = try Self.copyJob(in: directory)
        let first = directory.appendingPathComponent("first.csv")
        let second = directory.appendingPathComponent("second.csv")
        try Self.rowsCSV(first, rows: 120_000, seed: 1)
        try Self.rowsCSV(second, rows: 120_000, seed: 2)
        let output = "s3://\(bucket)/out/copy"
        let extra = ["SLUICE_S3_PART_SIZE": "64KiB"]
        func run(_ input: URL, to target: String = output) throws -> Python.Output {
            try Self.sluice(
                ["run", "copy", "--jobs", jobs.path, "--input", "rows=\(input.path)", "--output", target],
                moto,
                extra: extra
            )
        }
        func cat(_ target: String = output) throws -> Python.Output {
            try Self.sluice(["cat", target, "--columns", "id,value,label"], moto)
        }
        // The two datasets a reader may see: the first run's, or (when a kill came after its commit) the second's.
        var started = Date()
        #expect(try run(first).status == 0)
        let firstSeconds = Date().timeIntervalSince(started)
        let good = try cat()
        #expect(good.status == 0 && good.stdout.split(separator: "\n").count == 120_001)
        started = Date()
        #expect(try run(second, to: "s3://\(bucket)/other/copy").status == 0)
        // Kills are timed within the shorter of two runs: on a loaded machine one run alone can take twice as long
        // as the runs that follow, and kills timed by it land after those have finished.
        let runSeconds = min(firstSeconds, Date().timeIntervalSince(started))
        let other = try cat("s3://\(bucket)/other/copy")
        #expect(other.status == 0 && other.stdout != good.stdout)

        var generator = SystemRandomNumberGenerator()
        var killedMidRun = 0
        for _ in 0..<20 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: SluiceBinary.path)
            process.arguments = [
                "run", "copy", "--jobs", jobs.path, "--input", "rows=\(second.path)", "--output", output,
            ]
            process.environment = moto.processEnvironment().merging(extra) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try ProcessLaunch.run(process)
            let delay = Double.random(in: 0.05...max(0.1, runSeconds * 0.9), using: &generator)
            try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            if process.isRunning { killedMidRun += 1 }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let seen = try cat()
            #expect(seen.status == 0, "after a kill at \(delay) s: \(seen.stderr)")
            #expect(
                seen.stdout == good.stdout || seen.stdout == other.stdout,
                "after a kill at \(delay) s: a mixed dataset"
            )
        }
        #expect(killedMidRun >= 10)

        // The next successful run leaves nothing behind: no stale object, no incomplete upload.
        #expect(try run(first).status == 0)
        #expect(try cat().stdout == good.stdout)
        let listing = try Self.peer(moto, ["listing", bucket, "out/copy/"])
        let keys = listing["keys"] as? [String] ?? []
        #expect((listing["uploads"] as? [String])?.isEmpty == true, "\(listing)")
        #expect(keys.filter { $0.hasSuffix(".parquet") }.count == 6, "\(keys)")
        #expect(keys.filter { !$0.hasSuffix(".parquet") } == ["out/copy/_SUCCESS"], "\(keys)")
    }

    @Test func aPipelineThroughFaultsWritesTheSameBytes() async throws {
        let moto = try await MotoS3Server.start()
        let bucket = try Self.bucket(moto, "faults")
        for (prefix, name) in [
            ("sales", "SalesPipeline_QuickSightSample.csv"), ("marketing", "MarketingData_QuickSightSample.csv"),
        ] {
            _ = try Self.peer(moto, ["upload", bucket, "\(prefix)/\(name)", Paths.sample(name).path])
        }
        let inputs = ["--input", "sales=s3://\(bucket)/sales/", "--input", "marketing=s3://\(bucket)/marketing/"]
        let clean = try Self.sluice(["pipeline", "--output", "s3://\(bucket)/clean"] + inputs, moto)
        #expect(clean.status == 0, "\(clean.stderr)")
        let proxy = try await FaultProxy.start(
            upstream: moto.endpoint,
            rate: 0.1,
            seed: 5,
            faults: [.slowdown, .error500, .cut, .reset, .slow]
        )
        let faulty = try Self.sluice(
            ["pipeline", "--output", "s3://\(bucket)/faulty"] + inputs,
            moto,
            endpoint: proxy.endpoint
        )
        #expect(faulty.status == 0, "\(faulty.stderr)")
        #expect(faulty.stdout.split(separator: "\n").count == 4)
        #expect(try proxy.requests().contains { $0.fault != nil })
        for job in ["psd", "pmd", "jmsd"] {
            let a = try Self.peer(moto, ["digest", bucket, "clean/\(job)"])
            let b = try Self.peer(moto, ["digest", bucket, "faulty/\(job)"])
            #expect(a["files"] as? Int == 1)
            #expect(a["md5"] as? [String] == b["md5"] as? [String], "\(job)")
        }
    }

    @Test func theMetricsFileCountsS3RequestsBytesAndRetriesAsTheProxySawThem() async throws {
        let moto = try await MotoS3Server.start()
        let bucket = try Self.bucket(moto, "metrics")
        let sales = Paths.sample("SalesPipeline_QuickSightSample.csv")
        _ = try Self.peer(moto, ["upload", bucket, "sales/sales.csv", sales.path])
        let proxy = try await FaultProxy.start(upstream: moto.endpoint)
        // The first PUT is answered 503 SlowDown: one retry, counted with its cause.
        try proxy.script([FaultProxy.Rule(fault: .slowdown, method: "PUT", times: 1)])
        let file = try Paths.temporaryDirectory("s3-metrics").appendingPathComponent("sluice.prom").path
        let result = try Self.sluice(
            [
                "run", "psd", "--input", "sales=s3://\(bucket)/sales/", "--output", "s3://\(bucket)/psd",
                "--metrics-file", file,
            ],
            moto,
            endpoint: proxy.endpoint
        )
        #expect(result.status == 0, "\(result.stderr)")
        let samples = try MetricsFileTests.samples(file)
        let log = try proxy.requests()
        let counted = samples.filter { $0.key.hasPrefix("sluice_aws_requests_total{") && $0.key.contains("service=s3") }
        #expect(Int(counted.values.reduce(0, +)) == log.count, "\(counted) vs \(log.map { "\($0.method) \($0.path)" })")
        #expect(samples["sluice_aws_retries_total{cause=SlowDown,operation=PutObject,service=s3}"] == 1, "\(samples)")
        let object = try #require(try FileManager.default.attributesOfItem(atPath: sales.path)[.size] as? Int)
        #expect(samples["sluice_aws_bytes_total{direction=received,operation=GetObject,service=s3}"] == Double(object))
        let sent = samples.filter { $0.key.hasPrefix("sluice_aws_bytes_total{direction=sent") }.values.reduce(0, +)
        let proxied = log.filter { $0.method == "PUT" || $0.method == "POST" }.map(\.bytesIn).reduce(0, +)
        #expect(Int(sent) == proxied, "every body byte sent, retries included")
        #expect(samples["sluice_jobs_succeeded_total{job=psd}"] == 1)
        #expect(samples["sluice_rows_written_total{job=psd}"] == 1802)
    }

    @Test func badS3InputIsOneLineNamingIt() async throws {
        let moto = try await MotoS3Server.start(verifySignatures: true)
        let bucket = try Self.bucket(moto, "bad")
        _ = try Self.peer(
            moto,
            ["upload", bucket, "sales/s.csv", Paths.sample("SalesPipeline_QuickSightSample.csv").path]
        )
        let cases: [(arguments: [String], extra: [String: String], expected: String)] = [
            (
                ["run", "psd", "--input", "sales=s3://\(bucket)/sales/missing.csv", "--output", "s3://\(bucket)/o/"],
                [:], "s3://\(bucket)/sales/missing.csv"
            ),
            (["cat", "s3://no-such-bucket-\(bucket)/x.parquet"], [:], "NoSuchBucket"),
            (
                ["run", "psd", "--input", "sales=s3://\(bucket)/sales/", "--output", "s3://\(bucket)/o/"],
                ["AWS_SECRET_ACCESS_KEY": "WRONGsecretKEY123"], "SignatureDoesNotMatch"
            ),
            (["run", "psd", "--input", "sales=s3:/\(bucket)/sales/"], [:], "s3:/\(bucket)/sales/"),
            (["schema", "s3://Bad_Bucket/k.csv"], [:], "Bad_Bucket"),
        ]
        for (arguments, extra, expected) in cases {
            let result = try Self.sluice(arguments, moto, extra: extra)
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("sluice: error: "), "\(arguments)")
            #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("WRONGsecretKEY123"), "a secret in: \(result.stderr)")
            #expect(!result.stderr.contains(moto.credentials.secret), "a secret in: \(result.stderr)")
        }
        let listing = try Self.peer(moto, ["listing", bucket, "o/"])
        #expect((listing["keys"] as? [String])?.isEmpty == true)
    }
}
