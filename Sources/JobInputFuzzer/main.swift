// libFuzzer entry point for what the worker and `sluice run` parse from outside: job files
// (`JobDefinition(json:source:)`, then their `${name}` paths filled) and activity task inputs
// (`JobInvocation(taskInput:)`, the Glue runner's and Sluice's shapes, JSON inside JSON strings).
//
// Fuzzing build and run (Tests/fuzz-jobs does both):
//   swift build --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address --product JobInputFuzzer
//   .build-fuzz/debug/JobInputFuzzer CORPUS_DIR -max_total_time=60
// The first byte chooses the parser (even: job file, odd: task input), the rest is the text. Any error thrown is
// fine; a crash, a hang, a leak or a broken invariant (checked below) is what the fuzzer finds. In a normal build,
// `JobInputFuzzer FILE...` replays each file through the same entry point.

import Engine
import Foundation
import FuzzerSupport
import Runner

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum JobInputFuzzing {
    /// Parses `data` (a mode byte, then the text); returns what was parsed, for replays.
    @discardableResult
    static func parse(_ data: [UInt8]) -> String {
        guard let mode = data.first else { return "empty" }
        let text = Data(data.dropFirst())
        if mode & 1 == 0 {
            return job(text, fillFromEnvironment: mode & 2 != 0)
        }
        return taskInput(String(decoding: text, as: UTF8.self))
    }

    static func job(_ text: Data, fillFromEnvironment: Bool) -> String {
        let job: JobDefinition
        do {
            job = try JobDefinition(json: text, source: "fuzz.json")
        } catch {
            precondition("\(error)".hasPrefix("fuzz.json"), "a job-file error that does not name the file: \(error)")
            return "job file refused"
        }
        precondition(!job.name.isEmpty, "a job without a name")
        precondition(!job.inputs.isEmpty, "a job without inputs")
        precondition(Set(job.inputs.map(\.name)).count == job.inputs.count, "two inputs of one name")
        // Fill every parameter the paths use with a value (or with none), as a run would.
        let names = job.parameterNames
        var request = JobRequest()
        if fillFromEnvironment {
            request.environment = [:]
        } else {
            for name in names { request.parameters[name] = "v" }
            request.environment = [:]
        }
        let unfillable = fillFromEnvironment && !names.isEmpty
        do {
            _ = try job.fillingParameters(for: request)
            precondition(!unfillable, "paths with parameters \(names) filled from nothing")
        } catch {
            precondition(unfillable, "filling every parameter failed: \(error)")
        }
        return "job \(job.name): \(job.inputs.count) inputs, \(names.count) parameters"
    }

    static func taskInput(_ text: String) -> String {
        let invocation: JobInvocation
        do {
            invocation = try JobInvocation(taskInput: text)
        } catch {
            precondition("\(error)".hasPrefix("malformed task input: "), "an unexpected error: \(error)")
            return "task input refused"
        }
        precondition(!invocation.job.trimmingCharacters(in: .whitespaces).isEmpty, "a task without a job")
        return "task for job \(invocation.job): \(invocation.inputs.count) inputs"
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func jobInputFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    JobInputFuzzing.parse(bytes)
    return 0
}

runLibFuzzerIfLinked(jobInputFuzzerTestOneInput)

// Normal build: replay the files given.
for path in CommandLine.arguments.dropFirst() {
    guard let bytes = readFile(path) else {
        print("cannot read \(path)")
        exit(1)
    }
    print("\(path): \(JobInputFuzzing.parse(bytes))")
}
