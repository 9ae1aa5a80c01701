import Columnar
import Foundation

/// Prints rows as CSV or JSON Lines to stdout, buffered.
struct RowPrinter {
    let format: Sluice.Cat.Format
    private var names: [String] = []
    private var buffer = ""

    init(format: Sluice.Cat.Format) {
        self.format = format
    }

    mutating func header(_ names: [String]) {
        self.names = names
        if format == .csv {
            buffer += names.map(Self.csvField).joined(separator: ",") + "\n"
        }
    }

    mutating func print(_ batch: RecordBatch, rows: Int) {
        for row in 0..<rows {
            let values = batch.row(row)
            switch format {
            case .csv:
                buffer += values.map(Self.csvText).joined(separator: ",") + "\n"
            case .jsonl:
                let fields = zip(names, values).map { jsonString($0) + ":" + Self.jsonText($1) }
                buffer += "{" + fields.joined(separator: ",") + "}\n"
            }
            if buffer.utf8.count > 1 << 16 { flush() }
        }
    }

    mutating func flush() {
        FileHandle.standardOutput.write(Data(buffer.utf8))
        buffer = ""
    }

    static func csvText(_ value: Value) -> String {
        switch value {
        case .null: return ""
        case .string(let text): return text.isEmpty ? "\"\"" : csvField(text)
        case .bytes(let bytes): return csvField(value.text ?? Data(bytes).base64EncodedString())
        default: return value.text ?? ""
        }
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func jsonText(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case .boolean(let v): return v ? "true" : "false"
        case .int, .uint: return value.text!
        case .float(let v): return jsonNumber(Double(v), text: value.text!)
        case .double(let v): return jsonNumber(v, text: value.text!)
        case .date, .timestamp, .decimal, .string: return jsonString(value.text!)
        case .bytes(let bytes): return jsonString(value.text ?? Data(bytes).base64EncodedString())
        }
    }

    private static func jsonNumber(_ v: Double, text: String) -> String {
        v.isFinite ? text : jsonString(text)
    }
}
