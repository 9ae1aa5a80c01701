// Reads one CSV file with Sluice's CSV reader, every column as text, and prints the table as one JSON object:
// {"header": [...], "rows": [[...]], "rows_read": N, "rejected": N, "warnings": [...], "dialect": "..."}
// (null cells as null; with --fail-on-error the first bad row is an error). Used by benchmarks/csv-messy.
//
// Usage: CSVProbe FILE [--sniff] [--delimiter D] [--quote Q] [--escape E] [--header true|false] [--skip N]
//                      [--comment C] [--encoding NAME] [--null-padding] [--ignore-extra-fields] [--line-terminator T]

import CSV
import Columnar

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func json(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

func fail(_ message: String) -> Never {
    print("CSVProbe: \(message)")
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard !arguments.isEmpty else { fail("usage: CSVProbe FILE [options]") }
let path = arguments.removeFirst()
var options = CSVOptions()
options.onError = .reject
options.lineTerminator = .auto
var index = 0
@MainActor func value() -> String {
    index += 1
    guard index < arguments.count else { fail("\(arguments[index - 1]) needs a value") }
    return arguments[index]
}
while index < arguments.count {
    switch arguments[index] {
    case "--sniff": options.detect = .all
    case "--delimiter": options.delimiterBytes = Array(value().utf8)
    case "--quote": options.quote = Array(value().utf8)[0]
    case "--escape": options.escape = Array(value().utf8)[0]
    case "--header": options.hasHeader = value() == "true"
    case "--skip": options.skipLines = Int(value()) ?? 0
    case "--comment": options.comment = Array(value().utf8)
    case "--encoding":
        guard let encoding = CSVOptions.Encoding(rawValue: value()) else { fail("unknown encoding") }
        options.encoding = encoding
    case "--line-terminator":
        guard let terminator = CSVOptions.LineTerminator(rawValue: value()) else { fail("unknown line terminator") }
        options.lineTerminator = terminator
    case "--null-padding": options.nullPadding = true
    case "--ignore-extra-fields": options.ignoreExtraFields = true
    case "--fail-on-error": options.onError = .fail
    default: fail("unknown option \(arguments[index])")
    }
    index += 1
}

do {
    let names = try CSVReader.inferSchema(path: path, sampleRows: 1, options: options).map(\.name)
    let reader = try CSVReader(
        path: path,
        columns: names.map { CSVColumn(name: $0, type: .string(emptyIsNull: true)) },
        options: options
    )
    var rows: [String] = []
    while let batch = try reader.next() {
        for i in 0..<batch.count {
            let cells = batch.columns.map { column -> String in
                if case .string(let text) = column.value(at: i) { return json(text) }
                return "null"
            }
            rows.append("[" + cells.joined(separator: ",") + "]")
        }
    }
    let used = reader.options
    let dialect =
        "delimiter=\(String(decoding: used.delimiterBytes, as: UTF8.self)) quote=\(Character(UnicodeScalar(used.quote))) "
        + "escape=\(used.escape.map { String(Character(UnicodeScalar($0))) } ?? "quote") header=\(used.hasHeader) "
        + "skip=\(used.skipLines) encoding=\(used.encoding.rawValue) line_terminator=\(used.lineTerminator.rawValue)"
    print(
        "{\"header\": [" + reader.header.map(json).joined(separator: ",") + "], \"rows\": ["
            + rows.joined(separator: ",")
            + "], \"rows_read\": \(reader.rowsRead), \"rejected\": \(reader.rowsRejected), \"warnings\": ["
            + reader.warnings.map(json).joined(separator: ",") + "], \"dialect\": " + json(dialect) + "}"
    )
} catch {
    fail("\(error)")
}
