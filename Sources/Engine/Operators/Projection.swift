import Columnar

/// The name a column gets under the rule "trim, lowercase, runs of whitespace become `_`":
/// `"Mailing list adds "` becomes `"mailing_list_adds"`.
public func normalizedColumnName(_ name: String) -> String {
    var result = ""
    var pendingSeparator = false
    for character in name.lowercased() {
        if character.isWhitespace {
            pendingSeparator = !result.isEmpty
        } else {
            if pendingSeparator { result.append("_") }
            pendingSeparator = false
            result.append(character)
        }
    }
    return result
}

/// One column of a projection: the input column `from`, named `to` in the output.
public struct ColumnMapping: Sendable, Hashable {
    /// The input column name.
    public var from: String
    /// The output column name.
    public var to: String

    /// Selects `from` as `to`.
    public init(_ from: String, as to: String) {
        self.from = from
        self.to = to
    }

    /// Selects `name` under its own name.
    public init(_ name: String) {
        self.init(name, as: name)
    }
}

/// Select and rename columns: either an explicit list of mappings (the output has exactly those columns, in
/// that order) or every column renamed by ``normalizedColumnName(_:)``. Columns are not copied.
public struct Projection: Sendable, Hashable {
    /// How the output columns are chosen.
    public enum Rule: Sendable, Hashable {
        /// Exactly these columns, in this order, renamed as given.
        case columns([ColumnMapping])
        /// Every column, renamed by ``normalizedColumnName(_:)``.
        case normalizedNames
    }

    /// The rule.
    public var rule: Rule

    /// A projection by `rule`.
    public init(_ rule: Rule) {
        self.rule = rule
    }

    /// For each output column, the input column index and the output field.
    public func plan(for input: Schema) throws(OperatorError) -> [(index: Int, field: Field)] {
        var plan: [(index: Int, field: Field)] = []
        switch rule {
        case .columns(let mappings):
            for mapping in mappings {
                let index = try input.requireIndex(of: mapping.from, for: "select")
                var field = input.fields[index]
                field.name = mapping.to
                plan.append((index, field))
            }
        case .normalizedNames:
            for (index, field) in input.fields.enumerated() {
                var renamed = field
                renamed.name = normalizedColumnName(field.name)
                if renamed.name.isEmpty {
                    throw OperatorError("select", "column \"\(field.name)\" has an empty name after normalizing")
                }
                plan.append((index, renamed))
            }
        }
        var seen: [String: String] = [:]
        for (index, field) in plan {
            let source = input.fields[index].name
            if let other = seen[field.name] {
                throw OperatorError(
                    "select",
                    "columns \"\(other)\" and \"\(source)\" would both be named \"\(field.name)\""
                )
            }
            seen[field.name] = source
        }
        return plan
    }

    /// The schema of the output for an input of schema `input`.
    public func outputSchema(for input: Schema) throws(OperatorError) -> Schema {
        Schema(try plan(for: input).map(\.field))
    }

    /// The projected batch.
    public func apply(_ batch: RecordBatch) throws(OperatorError) -> RecordBatch {
        let plan = try plan(for: batch.schema)
        return RecordBatch(schema: Schema(plan.map(\.field)), columns: plan.map { batch.columns[$0.index] })
    }
}
