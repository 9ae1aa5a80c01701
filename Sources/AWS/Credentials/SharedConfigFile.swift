import Foundation

/// A parsed AWS shared credentials or config file (INI): `[section]` headers and `key = value` lines.
///
/// Comment lines start with `#` or `;`; indented lines (nested settings such as `s3 =` blocks) are skipped.
/// Keys are lower-cased. In the config file, profile `x` is the section `[profile x]` (and `[default]`); in the
/// credentials file it is `[x]`.
public struct SharedConfigFile: Sendable, Hashable {
    /// Which of the two files this is; it decides how section names map to profiles.
    public enum Kind: Sendable, Hashable {
        /// `~/.aws/credentials`: sections are profile names.
        case credentials
        /// `~/.aws/config`: profile sections are `[profile name]`, except `[default]`.
        case config
    }

    /// Settings by section name as written (`profile dev`, `default`, `sso-session x`).
    public var sections: [String: [String: String]]
    /// Which file this is.
    public var kind: Kind

    /// Parses `text`.
    public init(parsing text: String, kind: Kind) {
        self.kind = kind
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if trimmed.hasPrefix("[") {
                guard let close = trimmed.firstIndex(of: "]") else {
                    current = nil
                    continue
                }
                let name = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
                    .split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
                current = name
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            // Nested settings (indented continuation lines) belong to the key above; not needed here.
            if let first = line.first, first == " " || first == "\t" { continue }
            guard let section = current, let equals = trimmed.firstIndex(of: "=") else { continue }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            // Inline comments need whitespace before the marker, as in the AWS CLI.
            for marker in [" #", " ;", "\t#", "\t;"] {
                if let range = value.range(of: marker) {
                    value = value[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                }
            }
            if !key.isEmpty { sections[section, default: [:]][key] = value }
        }
        self.sections = sections
    }

    /// Reads and parses the file at `path`; `nil` when it does not exist.
    public static func load(path: String, kind: Kind) throws -> SharedConfigFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return SharedConfigFile(parsing: String(decoding: data, as: UTF8.self), kind: kind)
    }

    /// The settings of profile `name`, or `nil` when the file has no such profile.
    public func profile(_ name: String) -> [String: String]? {
        switch kind {
        case .credentials:
            return sections[name]
        case .config:
            if let section = sections["profile \(name)"] { return section }
            return name == "default" ? sections["default"] : nil
        }
    }
}
