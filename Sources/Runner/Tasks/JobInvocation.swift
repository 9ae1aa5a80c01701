import Foundation

/// What an activity task asks for: a job, its inputs, its output and any extra arguments.
///
/// Two input shapes are accepted (see ``init(taskInput:)``):
/// - the Glue runner's `{"GlueJobName": "ProcessSalesData", ...}`, possibly JSON-encoded a second time as a string
///   (a Pass state's string `Result` reaches the activity that way). Every key is a job argument; `--NAME` keys
///   override the job's input `NAME`, and `--s3_output_path` or `--output` name the output; every key `NAME` or
///   `--NAME` (with a valid parameter name) is also the value of the job file's `${NAME}` path parameter;
/// - Sluice's own `{"job": "psd", "inputs": {"sales": "..."}, "output": "...", "params": {"bucket": "..."}}`,
///   where `"item"` may carry one item of a Distributed Map over an S3 listing (see ``MapItem``) in place of
///   the job's first input.
public struct JobInvocation: Sendable, Hashable {
    /// One item of a Distributed Map whose `ItemReader` lists S3 objects (`s3:listObjectsV2`), as Step Functions
    /// sends it: `{"Key": "sales/part-00003.csv", "Size": 81234, "ETag": "\"…\"", "LastModified": …,
    /// "StorageClass": "STANDARD"}`. Pass it with an `ItemSelector` such as
    /// `{"job": "psd-partial", "item.$": "$$.Map.Item.Value", "params.$": "$.params"}`.
    ///
    /// The object replaces the job's first input: it is read from the bucket of that input's path (once its
    /// parameters are filled), at `Key`. The job's `${partition}` path parameter is the object's name without its
    /// folders and extension (`part-00003`), unless `params` sets it, so that each item's run commits its own
    /// partition, such as `…/sales-partials/file=part-00003/`.
    public struct MapItem: Sendable, Hashable {
        /// The object's key.
        public var key: String
        /// Its size in bytes, when the item says.
        public var size: Int?
        /// Its ETag, when the item says.
        public var eTag: String?

        /// Creates an item.
        public init(key: String, size: Int? = nil, eTag: String? = nil) {
            self.key = key
            self.size = size
            self.eTag = eTag
        }

        /// The partition name the item gives: the key's last component without its extension.
        public var partition: String {
            let name = key.split(separator: "/").last.map(String.init) ?? key
            guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
            return String(name[..<dot])
        }
    }

    /// Which shape the task input had.
    public enum Style: String, Sendable, Hashable {
        /// `{"GlueJobName": ...}`.
        case glueRunner
        /// `{"job": ...}`.
        case sluice
    }

    /// The job as the task names it: a job name, an alias such as `ProcessSalesData`, or a job-file path.
    public var job: String
    /// Input overrides by input name.
    public var inputs: [String: String]
    /// The output dataset directory, when the task names one.
    public var output: String?
    /// Every other key of a Glue runner input, as text (JSON for non-string values).
    public var arguments: [String: String]
    /// Values of the job file's `${name}` path parameters: Sluice's `params`, or the Glue runner's keys.
    public var parameters: [String: String]
    /// The input's shape.
    public var style: Style
    /// The Distributed Map item that stands for the job's first input, if any.
    public var item: MapItem?

    /// Creates an invocation.
    public init(
        job: String,
        inputs: [String: String] = [:],
        output: String? = nil,
        arguments: [String: String] = [:],
        parameters: [String: String] = [:],
        style: Style = .sluice,
        item: MapItem? = nil
    ) {
        self.job = job
        self.inputs = inputs
        self.output = output
        self.arguments = arguments
        self.parameters = parameters
        self.style = style
        self.item = item
    }
}

/// A task input that names no runnable job: not JSON, not an object, or missing or mistyped keys.
public struct TaskInputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, e.g. `"GlueJobName" must be a non-empty string`.
    public var reason: String
    /// The start of the offending input.
    public var excerpt: String

    /// Creates an error; `input` is shortened to its first 200 characters.
    public init(reason: String, input: String) {
        self.reason = reason
        self.excerpt = input.count > 200 ? String(input.prefix(200)) + "…" : input
    }

    /// E.g. `malformed task input: not JSON (…) in: {"GlueJobName": `.
    public var description: String { "malformed task input: \(reason); input: \(excerpt)" }
}

extension JobInvocation {
    /// The output argument names of a Glue runner input.
    static let outputArguments: Set<String> = ["--s3_output_path", "--output"]

    /// Parses a task input (see the type's documentation for the accepted shapes).
    public init(taskInput: String) throws {
        let object = try Self.object(taskInput: taskInput)
        if object["GlueJobName"] != nil {
            self = try Self.glueRunner(object, input: taskInput)
        } else if object["job"] != nil {
            self = try Self.sluice(object, input: taskInput)
        } else {
            throw TaskInputError(
                reason: #"no job named: expected {"GlueJobName": "..."} or {"job": "...", "inputs": {...}}"#,
                input: taskInput
            )
        }
    }

    /// The JSON object a task input holds, also when it was JSON-encoded a second time as a string (a Pass state's
    /// string `Result` reaches an activity so; up to two levels, as the seed's runners decode).
    static func object(taskInput: String) throws -> [String: Any] {
        var value = try Self.parseJSON(taskInput, original: taskInput)
        var depth = 0
        while let text = value as? String, depth < 2 {
            value = try Self.parseJSON(text, original: taskInput)
            depth += 1
        }
        guard let object = value as? [String: Any] else {
            throw TaskInputError(reason: "expected a JSON object, got \(Self.kind(of: value))", input: taskInput)
        }
        return object
    }

    private static func glueRunner(_ object: [String: Any], input: String) throws -> JobInvocation {
        guard let name = object["GlueJobName"] as? String, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw TaskInputError(reason: #""GlueJobName" must be a non-empty string"#, input: input)
        }
        var invocation = JobInvocation(job: name, style: .glueRunner)
        for (key, raw) in object where key != "GlueJobName" {
            let text = try argumentText(raw, key: key, input: input)
            invocation.arguments[key] = text
            let parameter = key.hasPrefix("--") ? String(key.dropFirst(2)) : key
            if isParameterName(parameter) { invocation.parameters[parameter] = text }
            if outputArguments.contains(key) {
                invocation.output = text
            } else if key.hasPrefix("--"), key.count > 2 {
                invocation.inputs[String(key.dropFirst(2))] = text
            }
        }
        return invocation
    }

    private static func sluice(_ object: [String: Any], input: String) throws -> JobInvocation {
        guard let name = object["job"] as? String, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw TaskInputError(reason: #""job" must be a non-empty string"#, input: input)
        }
        var invocation = JobInvocation(job: name, style: .sluice)
        if let inputs = object["inputs"], !(inputs is NSNull) {
            guard let inputs = inputs as? [String: Any] else {
                throw TaskInputError(reason: #""inputs" must be an object of input name to path"#, input: input)
            }
            for (key, path) in inputs {
                guard let path = path as? String else {
                    throw TaskInputError(reason: #""inputs.\#(key)" must be a string path"#, input: input)
                }
                invocation.inputs[key] = path
            }
        }
        if let output = object["output"], !(output is NSNull) {
            guard let output = output as? String, !output.isEmpty else {
                throw TaskInputError(reason: #""output" must be a non-empty string path"#, input: input)
            }
            invocation.output = output
        }
        if let params = object["params"], !(params is NSNull) {
            guard let params = params as? [String: Any] else {
                throw TaskInputError(reason: #""params" must be an object of parameter name to value"#, input: input)
            }
            for (key, value) in params {
                guard isParameterName(key) else {
                    throw TaskInputError(
                        reason: #""params.\#(key)" is not a parameter name (letters, digits and _)"#,
                        input: input
                    )
                }
                guard !(value is [Any]), !(value is [String: Any]) else {
                    throw TaskInputError(reason: #""params.\#(key)" must be a string or number"#, input: input)
                }
                invocation.parameters[key] = try argumentText(value, key: key, input: input)
            }
        }
        if let item = object["item"], !(item is NSNull) {
            invocation.item = try mapItem(item, input: input)
            if invocation.parameters["partition"] == nil {
                invocation.parameters["partition"] = invocation.item?.partition
            }
        }
        let known: Set<String> = ["job", "inputs", "output", "params", "item"]
        if let unknown = object.keys.filter({ !known.contains($0) }).sorted().first {
            throw TaskInputError(
                reason: #"unknown key "\#(unknown)" (expected "job", "inputs", "output", "params" and "item")"#,
                input: input
            )
        }
        return invocation
    }

    private static func mapItem(_ value: Any, input: String) throws -> MapItem {
        guard let object = value as? [String: Any] else {
            throw TaskInputError(
                reason: #""item" must be a Distributed Map item over S3 objects, an object with "Key", "Size", "ETag""#,
                input: input
            )
        }
        guard let key = object["Key"] as? String, !key.isEmpty, !key.hasSuffix("/") else {
            throw TaskInputError(reason: #""item.Key" must be an object's key (a non-empty string)"#, input: input)
        }
        var item = MapItem(key: key)
        if let size = object["Size"], !(size is NSNull) {
            guard let number = size as? NSNumber, let bytes = Int(exactly: number.doubleValue), bytes >= 0 else {
                throw TaskInputError(reason: #""item.Size" must be a byte count"#, input: input)
            }
            item.size = bytes
        }
        if let eTag = object["ETag"], !(eTag is NSNull) {
            guard let text = eTag as? String else {
                throw TaskInputError(reason: #""item.ETag" must be a string"#, input: input)
            }
            item.eTag = text
        }
        return item
    }

    private static func parseJSON(_ text: String, original: String) throws -> Any {
        do {
            return try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            throw TaskInputError(reason: "not JSON" + (detail.map { " (\($0))" } ?? ""), input: original)
        }
    }

    private static func argumentText(_ value: Any, key: String, input: String) throws -> String {
        switch value {
        case let text as String: return text
        case is NSNull: return ""
        default:
            // Numbers, booleans, arrays and objects: their JSON text.
            guard
                let data = try? JSONSerialization.data(
                    withJSONObject: value,
                    options: [.sortedKeys, .fragmentsAllowed]
                )
            else { throw TaskInputError(reason: #"argument "\#(key)" is not representable"#, input: input) }
            return String(decoding: data, as: UTF8.self)
        }
    }

    private static func kind(of value: Any) -> String {
        switch value {
        case is String: "a string"
        case is NSNull: "null"
        case is [Any]: "an array"
        case is NSNumber: "a number or boolean"
        default: "\(type(of: value))"
        }
    }

    /// Whether `name` can be a job-file parameter (`${name}`): `[A-Za-z_][A-Za-z0-9_]*`, the rule of the job files'
    /// path templates, which the executor applies again when it fills them.
    static func isParameterName(_ name: String) -> Bool {
        func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isLetter($0) || (0x30...0x39).contains($0) }
    }
}
