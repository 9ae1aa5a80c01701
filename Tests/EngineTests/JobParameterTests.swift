import Engine
import Foundation
import TestSupport
import Testing

/// `${name}` parameters in job-file paths: parsing, escaping, the sources of values and their precedence, and the
/// error for a parameter without a value.
@Suite struct JobParameterTests {
    /// A job file with a parameterised CSV input and output, written into `directory`.
    static func jobFile(in directory: URL, inputPath: String, outputPath: String?) throws -> URL {
        let output = outputPath.map { #", "path": "\#($0)""# } ?? ""
        let text = #"""
            {"name": "days", "inputs": [{"name": "sales", "format": "csv", "path": "\#(inputPath)",
              "columns": [{"name": "Date", "type": "date(M/d/yyyy)"}]}],
             "steps": [{"aggregate": {"group_by": ["Date"], "values": [{"name": "n", "function": "count"}]}}],
             "output": {"format": "csv"\#(output)}}
            """#
        let url = directory.appendingPathComponent("days.json")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test(arguments: [
        ("s3://${bucket}/sales/", [JobPathTemplate.Piece.literal("s3://"), .parameter("bucket"), .literal("/sales/")]),
        ("${a}${_b9}", [.parameter("a"), .parameter("_b9")]),
        // Read left to right: a `$` not starting `$${` or `${` is itself.
        ("cost$$${x}", [.literal("cost$${x}")]),
        ("$x$${y}${z}", [.literal("$x${y}"), .parameter("z")]),
        ("$${literal}/$x/$", [.literal("${literal}/$x/$")]),
        ("a$$$${b}", [.literal("a$$${b}")]),
        ("plain/path.csv", [.literal("plain/path.csv")]),
        ("", []),
    ])
    func templatesParseIntoPieces(text: String, pieces: [JobPathTemplate.Piece]) throws {
        #expect(try JobPathTemplate(text).pieces == pieces)
    }

    @Test(arguments: [("x/${", 2), ("${}", 0), ("a${1x}", 1), ("${a-b}/c", 0), ("ok${a}${b", 6), ("${ a}", 0)])
    func malformedTemplatesNameTheOffset(text: String, offset: Int) {
        #expect(throws: JobPathTemplate.SyntaxError(text: text, offset: offset)) { try JobPathTemplate(text) }
    }

    @Test func namesAreValidated() {
        #expect(JobPathTemplate.isValidName("bucket"))
        #expect(JobPathTemplate.isValidName("_B_9"))
        #expect(!JobPathTemplate.isValidName("9lives"))
        #expect(!JobPathTemplate.isValidName("a-b"))
        #expect(!JobPathTemplate.isValidName(""))
        #expect(!JobPathTemplate.isValidName("é"))
    }

    @Test func escapedDollarBraceIsLiteralAfterFilling() throws {
        let job = try JobDefinition(
            json: Data(#"{"name": "j", "inputs": [{"name": "i", "format": "csv", "path": "$${x}/${x}"}]}"#.utf8),
            source: "j.json"
        )
        let filled = try job.fillingParameters(for: JobRequest(parameters: ["x": "v"], environment: [:]))
        #expect(filled.inputs[0].defaultPath == "${x}/v")
    }

    static let parameterised = #"""
        {"name": "j", "inputs": [
           {"name": "sales", "format": "csv", "path": "s3://${bucket}/sales/"},
           {"name": "marketing", "format": "csv", "path": "s3://${bucket}/${stage}/marketing/"}],
         "output": {"path": "s3://${bucket}/output/${stage}"}}
        """#

    @Test func valuesComeFromParametersThenTheEnvironment() throws {
        let job = try JobDefinition(json: Data(Self.parameterised.utf8), source: "jobs/j.json")
        #expect(job.parameterNames == ["bucket", "stage"])
        #expect(job.output.path == "s3://${bucket}/output/${stage}")

        let fromParameters = try job.fillingParameters(
            for: JobRequest(parameters: ["bucket": "b1", "stage": "dev"], environment: [:])
        )
        #expect(fromParameters.inputs.map(\.defaultPath) == ["s3://b1/sales/", "s3://b1/dev/marketing/"])
        #expect(fromParameters.output.path == "s3://b1/output/dev")

        let fromEnvironment = try job.fillingParameters(
            for: JobRequest(environment: ["bucket": "env-b", "stage": "prod"])
        )
        #expect(fromEnvironment.inputs.map(\.defaultPath) == ["s3://env-b/sales/", "s3://env-b/prod/marketing/"])
        #expect(fromEnvironment.output.path == "s3://env-b/output/prod")

        // An explicit value wins over the environment variable of the same name; the rest still come from it.
        let mixed = try job.fillingParameters(
            for: JobRequest(parameters: ["bucket": "explicit"], environment: ["bucket": "env-b", "stage": "qa"])
        )
        #expect(mixed.inputs.map(\.defaultPath) == ["s3://explicit/sales/", "s3://explicit/qa/marketing/"])
        #expect(mixed.output.path == "s3://explicit/output/qa")
    }

    @Test func theProcessEnvironmentIsTheDefault() throws {
        // PATH is set in every test process; nothing else is assumed about the environment.
        let path = try #require(ProcessInfo.processInfo.environment["PATH"])
        let job = try JobDefinition(
            json: Data(#"{"name": "j", "inputs": [{"name": "i", "format": "csv", "path": "${PATH}/x.csv"}]}"#.utf8),
            source: "j.json"
        )
        #expect(try job.fillingParameters(for: JobRequest()).inputs[0].defaultPath == path + "/x.csv")
    }

    @Test func anUnfilledParameterNamesTheFileTheKeyPathAndTheParameter() throws {
        let job = try JobDefinition(json: Data(Self.parameterised.utf8), source: "jobs/j.json")
        #expect(throws: JobParameterError(source: "jobs/j.json", keyPath: "inputs.sales.path", parameter: "bucket")) {
            try job.fillingParameters(for: JobRequest(environment: ["stage": "dev"]))
        }
        #expect(
            throws: JobParameterError(source: "jobs/j.json", keyPath: "inputs.marketing.path", parameter: "stage")
        ) {
            try job.fillingParameters(for: JobRequest(parameters: ["bucket": "b"], environment: [:]))
        }
        let error = JobParameterError(source: "jobs/j.json", keyPath: "inputs.sales.path", parameter: "bucket")
        #expect(
            error.description
                == "jobs/j.json: inputs.sales.path: parameter ${bucket} has no value (give --param bucket=VALUE, "
                + "a task-input key \"bucket\", or set the environment variable bucket)"
        )
    }

    @Test func onlyThePathsTheRunUsesNeedValues() throws {
        let job = try JobDefinition(json: Data(Self.parameterised.utf8), source: "jobs/j.json")
        let request = JobRequest(inputs: ["sales": "a.csv", "marketing": "b.csv"], output: "out", environment: [:])
        let filled = try job.fillingParameters(for: request)
        #expect(filled == job)
        #expect(throws: JobParameterError(source: "jobs/j.json", keyPath: "output.path", parameter: "bucket")) {
            try job.fillingParameters(for: JobRequest(inputs: ["sales": "a.csv", "marketing": "b.csv"]))
        }
    }

    @Test func malformedParametersAreRefusedWhenTheJobFileIsRead() {
        let text = #"{"name": "j", "inputs": [{"name": "i", "format": "csv", "path": "s3://${bucket/x"}]}"#
        #expect {
            try JobDefinition(json: Data(text.utf8), source: "jobs/j.json")
        } throws: { error in
            "\(error)".hasPrefix("jobs/j.json: inputs[0].path: malformed parameter at character 6 of ")
        }
        let output =
            #"{"name": "j", "inputs": [{"name": "i", "format": "csv", "path": "x"}], "output": {"path": "${}"}}"#
        #expect {
            try JobDefinition(json: Data(output.utf8), source: "jobs/j.json")
        } throws: { error in
            "\(error)".hasPrefix("jobs/j.json: output.path: malformed parameter at character 1 of \"${}\"")
        }
    }

    @Test func aRunFillsItsInputAndOutputPaths() async throws {
        let root = try Paths.temporaryDirectory("params-run")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("in"),
            withIntermediateDirectories: true
        )
        try "Date\n1/2/2011\n1/2/2011\n1/3/2011\n".write(
            to: root.appendingPathComponent("in/sales.csv"),
            atomically: true,
            encoding: .utf8
        )
        let file = try Self.jobFile(in: root, inputPath: "${root}/in/${name}.csv", outputPath: "${root}/out/${stage}")
        let job = try JobDefinition(contentsOf: file.path)
        let runner = JobRunner(catalog: JobCatalog(jobs: [job]), baseDirectory: root.path, logger: JobRunTests.logger)
        let report = try await runner.run(
            job,
            request: JobRequest(parameters: ["root": root.path, "name": "sales"], environment: ["stage": "test"])
        )
        #expect(report.rowsRead == 3)
        #expect(report.rowsWritten == 2)
        #expect(report.output == root.appendingPathComponent("out/test").path)
        let part = root.appendingPathComponent("out/test/part-00000.csv")
        #expect(try String(contentsOf: part, encoding: .utf8) == "Date,n\n2011-01-02,2\n2011-01-03,1\n")
    }

    @Test func anUnfilledParameterFailsThePipelineBeforeAnyJobRuns() async throws {
        let root = try Paths.temporaryDirectory("params-pipeline")
        defer { try? FileManager.default.removeItem(at: root) }
        let jobs = try JobCatalog(directory: Paths.packageRoot.appendingPathComponent("jobs").path).jobs
        var edited = jobs
        // jmsd's psd input is the upstream output, so its parameter needs no value; its extra input's does, and
        // psd and pmd must not run.
        let jmsd = try #require(edited.firstIndex { $0.name == "jmsd" })
        edited[jmsd].inputs[0].defaultPath = "${nowhere}/x"
        edited[jmsd].inputs.append(
            JobInput(name: "extra", format: .csv, defaultPath: "${missing_param}/extra.csv")
        )
        edited[jmsd].sourcePath = "jobs/jmsd.json"
        let runner = JobRunner(
            catalog: JobCatalog(jobs: edited),
            baseDirectory: Paths.packageRoot.path,
            logger: JobRunTests.logger
        )
        await #expect(
            throws: JobParameterError(
                source: "jobs/jmsd.json",
                keyPath: "inputs.extra.path",
                parameter: "missing_param"
            )
        ) {
            try await Pipeline.seed.run(with: runner, outputRoot: root.path, request: JobRequest(environment: [:]))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
    }
}
