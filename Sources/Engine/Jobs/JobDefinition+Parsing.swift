import CSV
import Columnar
import Foundation

extension JobDefinition {
    /// Reads a job file.
    ///
    /// - Throws: ``JobError`` naming the file and the key path of anything missing or malformed.
    public init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw JobError("\(path): cannot read job file: \(error.localizedDescription)")
        }
        try self.init(json: data, source: path)
    }

    /// Parses a job file's JSON text; `source` names it in errors.
    public init(json data: Data, source: String) throws {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw JobError("\(source): not valid JSON: \(error.localizedDescription)")
        }
        var reader = JobFileReader(source: source)
        self = try reader.job(JobFileNode(value: root, path: ""))
        self.sourcePath = source
    }
}

/// A value of the parsed JSON tree with its key path, for error messages.
struct JobFileNode {
    var value: Any
    var path: String

    func child(_ key: String) -> JobFileNode? {
        guard let object = value as? [String: Any], let child = object[key], !(child is NSNull) else { return nil }
        return JobFileNode(value: child, path: path.isEmpty ? key : "\(path).\(key)")
    }

    var keys: [String] { (value as? [String: Any]).map { Array($0.keys) } ?? [] }
}

/// Turns the JSON tree of a job file into a ``JobDefinition``, with errors that name the key path.
struct JobFileReader {
    var source: String

    func error(_ node: JobFileNode, _ message: String) -> JobError {
        JobError("\(source): \(node.path.isEmpty ? "" : "\(node.path): ")\(message)")
    }

    func object(_ node: JobFileNode, allowed: Set<String>) throws -> [String: Any] {
        guard let object = node.value as? [String: Any] else { throw error(node, "expected an object") }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw error(
                node,
                "unknown key \"\(unknown)\" (expected one of: \(allowed.sorted().joined(separator: ", ")))"
            )
        }
        return object
    }

    func required(_ node: JobFileNode, _ key: String) throws -> JobFileNode {
        guard let child = node.child(key) else { throw error(node, "missing key \"\(key)\"") }
        return child
    }

    func string(_ node: JobFileNode) throws -> String {
        guard let string = node.value as? String else { throw error(node, "expected a string") }
        return string
    }

    /// A path string, checked for well-formed `${name}` parameters.
    func template(_ node: JobFileNode) throws -> String {
        let text = try string(node)
        do {
            _ = try JobPathTemplate(text)
        } catch {
            throw self.error(node, error.description)
        }
        return text
    }

    func strings(_ node: JobFileNode) throws -> [String] {
        if let single = node.value as? String { return [single] }
        guard let array = node.value as? [Any] else { throw error(node, "expected a list of strings") }
        return try array.enumerated().map { try string(JobFileNode(value: $1, path: "\(node.path)[\($0)]")) }
    }

    func list(_ node: JobFileNode) throws -> [JobFileNode] {
        guard let array = node.value as? [Any] else { throw error(node, "expected a list") }
        return array.enumerated().map { JobFileNode(value: $1, path: "\(node.path)[\($0)]") }
    }

    func singleByte(_ node: JobFileNode) throws -> UInt8 {
        let text = try string(node)
        guard text.utf8.count == 1, let byte = text.utf8.first else {
            throw error(node, "expected a single one-byte character, found \"\(text)\"")
        }
        return byte
    }

    mutating func job(_ node: JobFileNode) throws -> JobDefinition {
        _ = try object(node, allowed: ["name", "aliases", "description", "inputs", "steps", "output"])
        let name = try string(required(node, "name"))
        guard !name.isEmpty, !name.contains("/") else { throw error(node, "name must be non-empty without '/'") }
        let aliases = try node.child("aliases").map(strings) ?? []
        let description = try node.child("description").map(string) ?? ""
        let inputs = try list(required(node, "inputs")).map(input)
        guard !inputs.isEmpty else { throw error(try required(node, "inputs"), "a job needs at least one input") }
        var seen = Set<String>()
        for (i, input) in inputs.enumerated() where !seen.insert(input.name).inserted {
            throw error(JobFileNode(value: 0, path: "inputs[\(i)]"), "duplicate input name \"\(input.name)\"")
        }
        let steps = try (node.child("steps").map(list) ?? []).map(step)
        for (i, step) in steps.enumerated() {
            if case .join(let other, _) = step, !seen.contains(other) {
                throw error(
                    JobFileNode(value: 0, path: "steps[\(i)].join.input"),
                    "no input named \"\(other)\" (inputs: \(inputs.map(\.name).joined(separator: ", ")))"
                )
            }
        }
        let output = try node.child("output").map(output) ?? JobOutput()
        return JobDefinition(
            name: name,
            aliases: aliases,
            description: description,
            inputs: inputs,
            steps: steps,
            output: output
        )
    }

    func input(_ node: JobFileNode) throws -> JobInput {
        _ = try object(
            node,
            allowed: ["name", "format", "path", "columns"].reduce(into: Self.csvOptionKeys) { $0.insert($1) }
        )
        let name = try string(required(node, "name"))
        let formatNode = try required(node, "format")
        guard let format = JobInput.Format(rawValue: try string(formatNode)) else {
            throw error(formatNode, "unknown format (expected csv or parquet)")
        }
        let path = try template(required(node, "path"))
        let options = try csvOptions(node)
        var columns: [CSVColumn]?
        if let columnsNode = node.child("columns") {
            guard format == .csv else { throw error(columnsNode, "columns are declared for CSV inputs only") }
            columns = try list(columnsNode).map { column in
                _ = try object(column, allowed: ["name", "type"])
                let typeNode = try required(column, "type")
                guard let type = CSVColumnType(try string(typeNode)) else {
                    throw error(
                        typeNode,
                        "unknown type \"\(try string(typeNode))\" (expected int64, double, boolean, date(FORMAT), "
                            + "timestamp(FORMAT), string or string(empty_is_null))"
                    )
                }
                return CSVColumn(name: try string(required(column, "name")), type: type)
            }
        }
        return JobInput(name: name, format: format, defaultPath: path, columns: columns, csvOptions: options)
    }

    func step(_ node: JobFileNode) throws -> JobStep {
        let kinds = ["filter", "select", "rename", "aggregate", "sort", "join", "sql"]
        let object = try object(node, allowed: Set(kinds))
        guard object.count == 1, let kind = object.keys.first, let body = node.child(kind) else {
            throw error(node, "a step is an object with exactly one of: \(kinds.joined(separator: ", "))")
        }
        switch kind {
        case "filter": return .filter(try filter(body))
        case "select": return .project(try select(body))
        case "rename": return try rename(body)
        case "aggregate": return try aggregate(body)
        case "sort": return .sort(try list(body).map(sortKey))
        case "sql":
            let statement = try string(body)
            guard !statement.allSatisfy(\.isWhitespace) else {
                throw error(body, "expected one SQL query over the table input, such as \"SELECT * FROM input\"")
            }
            return .sql(statement)
        default: return try join(body)
        }
    }

    func filter(_ node: JobFileNode) throws -> Filter {
        _ = try object(node, allowed: ["column", "op", "value", "values"])
        let column = try string(required(node, "column"))
        let opNode = try required(node, "op")
        let op = try string(opNode)
        if op == "in" {
            let values = try list(required(node, "values")).map(literal)
            return Filter(column, in: values)
        }
        guard let comparison = ComparisonOperator(rawValue: op) else {
            throw error(opNode, "unknown operator \"\(op)\" (expected =, !=, <, <=, >, >= or in)")
        }
        return Filter(column, comparison, try literal(required(node, "value")))
    }

    func literal(_ node: JobFileNode) throws -> Value {
        switch node.value {
        case let string as String: return .string(string)
        case let number as NSNumber:
            switch String(cString: number.objCType) {
            case "c", "B": return .boolean(number.boolValue)
            case "d", "f": return .double(number.doubleValue)
            default: return .int(number.int64Value)
            }
        default: throw error(node, "expected a string, number or boolean literal")
        }
    }

    func select(_ node: JobFileNode) throws -> Projection {
        let mappings = try list(node).map { item -> ColumnMapping in
            if let name = item.value as? String { return ColumnMapping(name) }
            _ = try object(item, allowed: ["column", "as"])
            let column = try string(required(item, "column"))
            return ColumnMapping(column, as: try item.child("as").map(string) ?? column)
        }
        return Projection(.columns(mappings))
    }

    func rename(_ node: JobFileNode) throws -> JobStep {
        if let rule = node.value as? String {
            guard rule == "normalize" else {
                throw error(node, "unknown rename rule \"\(rule)\" (expected \"normalize\" or an object OLD: NEW)")
            }
            return .project(Projection(.normalizedNames))
        }
        guard let mapping = node.value as? [String: Any] else {
            throw error(node, "expected \"normalize\" or an object mapping old names to new names")
        }
        var result: [String: String] = [:]
        for (key, value) in mapping {
            result[key] = try string(JobFileNode(value: value, path: "\(node.path).\(key)"))
        }
        return .rename(result)
    }

    func aggregate(_ node: JobFileNode) throws -> JobStep {
        _ = try object(node, allowed: ["group_by", "values", "phase"])
        let keys = try strings(required(node, "group_by"))
        let values = try list(required(node, "values")).map { value -> Aggregate in
            _ = try object(value, allowed: ["name", "function", "column"])
            let name = try string(required(value, "name"))
            let functionNode = try required(value, "function")
            let function = try string(functionNode)
            let column = try value.child("column").map(string)
            switch function {
            case "count" where column == nil || column == "*": return .countAll(as: name)
            case "count", "sum", "min", "max", "avg":
                guard let column else { throw error(value, "\(function) needs a \"column\"") }
                return Aggregate(AggregateFunction(rawValue: function)!, column, as: name)
            default:
                throw error(functionNode, "unknown function \"\(function)\" (expected sum, count, min, max or avg)")
            }
        }
        var phase = AggregatePhase.complete
        if let phaseNode = node.child("phase") {
            let name = try string(phaseNode)
            guard let value = AggregatePhase(rawValue: name) else {
                throw error(phaseNode, "unknown phase \"\(name)\" (expected complete, partial or final)")
            }
            phase = value
        }
        return .aggregate(groupBy: keys, aggregates: values, phase: phase)
    }

    func sortKey(_ node: JobFileNode) throws -> SortKey {
        if let column = node.value as? String { return SortKey(column) }
        _ = try object(node, allowed: ["column", "order", "nulls"])
        let column = try string(required(node, "column"))
        var ascending = true
        if let order = node.child("order") {
            switch try string(order) {
            case "asc", "ascending": ascending = true
            case "desc", "descending": ascending = false
            default: throw error(order, "expected \"asc\" or \"desc\"")
            }
        }
        var nullsFirst = false
        if let nulls = node.child("nulls") {
            switch try string(nulls) {
            case "first": nullsFirst = true
            case "last": nullsFirst = false
            default: throw error(nulls, "expected \"first\" or \"last\"")
            }
        }
        return SortKey(column, ascending: ascending, nullsFirst: nullsFirst)
    }

    func join(_ node: JobFileNode) throws -> JobStep {
        _ = try object(node, allowed: ["input", "on", "type"])
        if let type = node.child("type"), try string(type) != "inner" {
            throw error(type, "only \"inner\" joins are supported")
        }
        return .join(input: try string(required(node, "input")), on: try strings(required(node, "on")))
    }

    func output(_ node: JobFileNode) throws -> JobOutput {
        _ = try object(node, allowed: ["format", "codec", "rows_per_part", "path"])
        var output = JobOutput()
        if let path = node.child("path") { output.path = try template(path) }
        if let format = node.child("format") {
            guard let value = JobOutput.Format(rawValue: try string(format)) else {
                throw error(format, "expected \"parquet\" or \"csv\"")
            }
            output.format = value
        }
        if let codec = node.child("codec") {
            guard let value = JobOutput.Codec(rawValue: try string(codec)) else {
                throw error(codec, "expected snappy, gzip, zstd or none")
            }
            output.codec = value
        }
        if let rows = node.child("rows_per_part") {
            guard let value = rows.value as? Int, value > 0 else { throw error(rows, "expected a positive integer") }
            output.rowsPerPart = value
        }
        return output
    }
}

extension JobInput {
    /// Parses an input described as in a job file's `inputs` (format, path, columns, CSV options) from a JSON value
    /// already decoded by `JSONSerialization`, named `name`; errors name `source` and `keyPath`.
    ///
    /// Other files that describe datasets (the SQL catalog) use it, so that a table is described exactly as a job
    /// input is.
    public init(name: String, json value: Any, source: String, keyPath: String) throws {
        guard var object = value as? [String: Any] else {
            throw JobError("\(source): \(keyPath): expected an object")
        }
        object["name"] = name
        self = try JobFileReader(source: source).input(JobFileNode(value: object, path: keyPath))
    }
}
