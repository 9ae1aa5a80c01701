import CSV

extension JobFileReader {
    /// The keys of a CSV input's dialect and reading options.
    static let csvOptionKeys: Set<String> = [
        "delimiter", "quote", "escape", "line_terminator", "skip", "comment", "header", "null_padding",
        "ignore_extra_fields", "encoding", "strict", "on_error", "decimal_separator", "thousands_separator",
    ]

    /// A CSV input's options. What is not given among `delimiter`, `quote`, `escape`, `header` (or `"auto"`), `skip`
    /// and `encoding` is detected from the file by the sniffer.
    func csvOptions(_ node: JobFileNode) throws -> CSVOptions {
        var options = CSVOptions()
        options.detect = .all
        options.lineTerminator = .auto
        if let delimiter = node.child("delimiter") {
            let bytes = Array(try string(delimiter).utf8)
            guard (1...4).contains(bytes.count) else {
                throw error(delimiter, "expected a delimiter of 1 to 4 bytes, found \(bytes.count)")
            }
            options.delimiterBytes = bytes
            options.detect.remove(.delimiter)
        }
        if let quote = node.child("quote") {
            options.quote = try singleByte(quote)
            options.detect.remove(.quote)
        }
        if let escape = node.child("escape") {
            options.escape = try singleByte(escape)
            options.detect.remove(.escape)
        }
        if let terminator = node.child("line_terminator") {
            let names: [String: CSVOptions.LineTerminator] = [
                "auto": .auto, "\n": .lf, "lf": .lf, "\r\n": .crlf, "crlf": .crlf, "\r": .cr, "cr": .cr,
            ]
            guard let value = names[try string(terminator)] else {
                throw error(terminator, "expected \"auto\", \"\\n\", \"\\r\\n\" or \"\\r\" (or lf, crlf, cr)")
            }
            options.lineTerminator = value
        }
        if let skip = node.child("skip") {
            guard let lines = skip.value as? Int, lines >= 0 else {
                throw error(skip, "expected a number of lines (0 or more)")
            }
            options.skipLines = lines
            options.detect.remove(.skip)
        }
        if let comment = node.child("comment") {
            let prefix = try string(comment)
            guard !prefix.isEmpty, !prefix.contains(where: \.isNewline) else {
                throw error(comment, "expected a non-empty prefix without line breaks")
            }
            options.comment = Array(prefix.utf8)
        }
        if let header = node.child("header") {
            if let flag = header.value as? Bool, !(header.value is String) {
                options.hasHeader = flag
                options.detect.remove(.header)
            } else if header.value as? String != "auto" {
                throw error(header, "expected true, false or \"auto\"")
            }
        }
        options.nullPadding = try flag(node, "null_padding") ?? false
        options.ignoreExtraFields = try flag(node, "ignore_extra_fields") ?? false
        options.strict = try flag(node, "strict") ?? false
        if let encoding = node.child("encoding") {
            guard let value = CSVOptions.Encoding(rawValue: try string(encoding).lowercased()) else {
                throw error(encoding, "expected utf-8, utf-8-sig, utf-16, latin-1 or windows-1252")
            }
            options.encoding = value
            options.detect.remove(.encoding)
        }
        if let decimal = node.child("decimal_separator") {
            let byte = try singleByte(decimal)
            guard byte == UInt8(ascii: ".") || byte == UInt8(ascii: ",") else {
                throw error(decimal, "expected \".\" or \",\"")
            }
            options.decimalSeparator = byte
        }
        if let thousands = node.child("thousands_separator") {
            options.thousandsSeparator = try singleByte(thousands)
        }
        if let onError = node.child("on_error") {
            guard let mode = CSVOptions.OnError(rawValue: try string(onError)) else {
                throw error(onError, "expected \"fail\" or \"reject\"")
            }
            options.onError = mode
        }
        if let problem = options.problem {
            throw error(node, problem)
        }
        return options
    }

    /// The boolean at `key`, if given.
    private func flag(_ node: JobFileNode, _ key: String) throws -> Bool? {
        guard let child = node.child(key) else { return nil }
        guard let value = child.value as? Bool, !(child.value is String) else {
            throw error(child, "expected true or false")
        }
        return value
    }
}
