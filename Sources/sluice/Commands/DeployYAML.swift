import Foundation

/// A YAML document as a tree, printed by ``text`` in block style: the subset CloudFormation templates need.
/// Keys keep their order; strings are printed double-quoted (JSON escapes are valid YAML), multi-line text as a
/// literal block (`|-`), so what is printed reads back as exactly the tree.
indirect enum DeployYAML: Sendable, Equatable {
    case map([Entry])
    case list([DeployYAML])
    case string(String)
    /// Text printed as a literal block scalar (`|-`): kept line for line, without a final newline.
    case block(String)
    case int(Int)
    case bool(Bool)

    /// One key and its value.
    struct Entry: Sendable, Equatable {
        var key: String
        var value: DeployYAML
    }

    /// A map from `pairs`, in order.
    static func object(_ pairs: KeyValuePairs<String, DeployYAML>) -> DeployYAML {
        .map(pairs.map { Entry(key: $0.key, value: $0.value) })
    }

    /// A map from `entries`, in order, leaving out the `nil` ones.
    static func object(_ entries: [(String, DeployYAML)?]) -> DeployYAML {
        .map(entries.compactMap { $0.map { Entry(key: $0.0, value: $0.1) } })
    }

    /// A list of strings.
    static func strings(_ values: [String]) -> DeployYAML { .list(values.map(DeployYAML.string)) }

    /// The document's text, ending with a newline.
    var text: String {
        var lines: [String] = []
        Self.emit(self, indent: 0, into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    private var inline: String? {
        switch self {
        case .string(let value): String.doubleQuoted(value)
        case .int(let value): String(value)
        case .bool(let value): value ? "true" : "false"
        case .map(let entries) where entries.isEmpty: "{}"
        case .list(let items) where items.isEmpty: "[]"
        default: nil
        }
    }

    private static func emit(_ node: DeployYAML, indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        switch node {
        case .map(let entries) where !entries.isEmpty:
            for entry in entries {
                let key = plainKey(entry.key) ? entry.key : String.doubleQuoted(entry.key)
                if let inline = entry.value.inline {
                    lines.append("\(pad)\(key): \(inline)")
                } else if case .block(let text) = entry.value {
                    lines.append("\(pad)\(key): |-")
                    appendBlock(text, indent: indent + 2, into: &lines)
                } else {
                    lines.append("\(pad)\(key):")
                    emit(entry.value, indent: indent + 2, into: &lines)
                }
            }
        case .list(let items) where !items.isEmpty:
            for item in items {
                if let inline = item.inline {
                    lines.append("\(pad)- \(inline)")
                } else if case .block(let text) = item {
                    lines.append("\(pad)- |-")
                    appendBlock(text, indent: indent + 2, into: &lines)
                } else {
                    // The item's first line goes on the dash's line.
                    var nested: [String] = []
                    emit(item, indent: indent + 2, into: &nested)
                    if let first = nested.first {
                        nested[0] = pad + "- " + first.dropFirst(indent + 2)
                    }
                    lines.append(contentsOf: nested)
                }
            }
        case .block(let text):
            lines.append("\(pad)|-")
            appendBlock(text, indent: indent + 2, into: &lines)
        default:
            lines.append(pad + (node.inline ?? ""))
        }
    }

    private static func appendBlock(_ text: String, indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lines.append(line.isEmpty ? "" : pad + line)
        }
    }

    private static func plainKey(_ key: String) -> Bool {
        !key.isEmpty
            && key.unicodeScalars.allSatisfy {
                CharacterSet.alphanumerics.contains($0) || ":_.-".unicodeScalars.contains($0)
            }
            && key.first?.isLetter == true
    }
}
