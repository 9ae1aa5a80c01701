import Columnar

/// How a reader maps the fields of a file to output columns: the result of resolving the given columns, the
/// projection and, where types are missing, inference.
struct Layout {
    /// The name of every field of the file, in file order.
    var names: [String]
    /// Per field: the conversion (`nil` when the field is not projected) and, for errors, the type's name.
    var conversions: [CSVColumnType?]
    /// Per field: the output column it fills, or -1.
    var slots: [Int]
    /// The output columns, in output order.
    var columns: [CSVColumn]
    /// Whether every field is read as raw bytes, for inference.
    var raw = false

    var schema: Schema {
        Schema(columns.map { Field($0.name, raw ? .binary : $0.type.dataType) })
    }

    /// Compiles the plans; the returned formats must outlive the plans.
    func plans() throws -> (plans: [FieldPlan], formats: [DateTimeFormat]) {
        var plans: [FieldPlan] = []
        var formats: [DateTimeFormat] = []
        for (i, conversion) in conversions.enumerated() {
            guard let conversion, slots[i] >= 0 else {
                plans.append(.skipped)
                continue
            }
            var plan = FieldPlan(conversion: .skip, emptyIsNull: false, slot: slots[i], format: nil, formatCount: 0)
            if raw {
                plan.conversion = .raw
                plans.append(plan)
                continue
            }
            switch conversion {
            case .int64: plan.conversion = .int64
            case .double: plan.conversion = .double
            case .boolean: plan.conversion = .boolean
            case .string(let emptyIsNull):
                plan.conversion = .string
                plan.emptyIsNull = emptyIsNull
            case .date(let pattern), .timestamp(let pattern):
                let isDate: Bool
                if case .date = conversion { isDate = true } else { isDate = false }
                let format: DateTimeFormat
                do {
                    format = try DateTimeFormat(pattern, allowsTime: !isDate)
                } catch {
                    throw CSVError(file: "", column: names[i], kind: .invalidOptions("\(error)"))
                }
                formats.append(format)
                plan.conversion = isDate ? .date : .timestamp
                plan.format = UnsafePointer(format.ops)
                plan.formatCount = format.count
                plan.simpleDate = format.simple.map { UnsafePointer($0) }
            }
            plans.append(plan)
        }
        return (plans, formats)
    }
}
