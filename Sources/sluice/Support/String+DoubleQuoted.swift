import Foundation

extension String {
    /// Appends `text` as a double-quoted literal with `"`, `\` and control characters escaped (`\n`, `\r`, `\t`,
    /// else `\u00XX`): a JSON string, and equally a YAML double-quoted scalar, so the JSON log lines and the
    /// deployment templates share one escaping.
    mutating func appendDoubleQuoted(_ text: String) {
        self += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": self += "\\\""
            case "\\": self += "\\\\"
            case "\n": self += "\\n"
            case "\r": self += "\\r"
            case "\t": self += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                self += String(format: "\\u%04x", scalar.value)
            default: unicodeScalars.append(scalar)
            }
        }
        self += "\""
    }

    /// `text` as a double-quoted literal (see ``appendDoubleQuoted(_:)``).
    static func doubleQuoted(_ text: String) -> String {
        var out = ""
        out.appendDoubleQuoted(text)
        return out
    }
}
