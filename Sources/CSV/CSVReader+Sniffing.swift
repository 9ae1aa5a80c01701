import Storage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension CSVReader {
    /// Detects the dialect of the CSV read from `source` (what ``CSVOptions/detect`` lists; default everything) from
    /// its first chunk, the way DuckDB's sniffer does: the candidate delimiter, quote and escape whose rows agree best
    /// on their field count, the preamble before those rows, then type evidence for a header.
    ///
    /// - Returns: `options` with the detected values filled in and ``CSVOptions/detect`` emptied.
    public static func detectDialect(
        source: any SequentialByteSource,
        options: CSVOptions = CSVOptions()
    ) throws
        -> CSVOptions
    {
        var options = options
        if options.detect.isEmpty { options.detect = .all }
        let size = 1 << 20
        var sample = [UInt8](repeating: 0, count: size)
        var count = 0
        do {
            while count < size {
                let n = try sample.withUnsafeMutableBytes {
                    try source.read(into: $0.baseAddress! + count, count: size - count)
                }
                if n == 0 { break }
                count += n
            }
        } catch {
            throw readError(error, file: source.name)
        }
        return sample.withUnsafeBufferPointer {
            CSVSniffer.sniff(UnsafeBufferPointer(rebasing: $0[..<count]), isWhole: count < size, options: options)
        }
    }
}

/// The sniffer behind ``CSVReader/detectDialect(source:options:)`` and ``CSVOptions/detect``.
enum CSVSniffer {
    /// The rows a sample splits into under one dialect.
    struct Rows: DialectSink {
        var limit: Int
        var rows: [[[UInt8]]] = []
        /// Per row: the lines consumed up to its end (blank lines before it included).
        var endLines: [Int] = []
        var current: [[UInt8]] = []

        mutating func field(_ bytes: [UInt8], quoted: Bool) { current.append(bytes) }
        mutating func endRow(lines: Int) {
            if rows.count < limit {
                rows.append(current)
                endLines.append(lines)
            }
            current = []
        }
        mutating func blankLine(lines: Int) {}
        var wantsMore: Bool { rows.count < limit }
    }

    static let delimiters: [[UInt8]] =
        [Array("||".utf8), Array(", ".utf8)]
        + [",", ";", "\t", "|", " "].map {
            Array($0.utf8)
        }

    /// The rows of `sample` under `options` (at most `limit`); the last row is dropped unless the sample is whole.
    static func rows(
        _ sample: UnsafeBufferPointer<UInt8>,
        isWhole: Bool,
        options: CSVOptions,
        limit: Int
    ) -> (
        rows: Rows, anomalies: Int, escapes: Int
    ) {
        var tokenizer = DialectTokenizer(options: options)
        var sink = Rows(limit: limit + 1)
        _ = tokenizer.process(
            sample.baseAddress ?? UnsafePointer(bitPattern: 1)!,
            count: sample.count,
            isFinal: isWhole,
            into: &sink
        )
        if !isWhole && sink.rows.count > limit {
            sink.rows.removeLast()
            sink.endLines.removeLast()
        }
        return (sink, tokenizer.anomalies, tokenizer.escapesUsed)
    }

    struct Candidate {
        var score: Int
        var anomalies: Int
        var options: CSVOptions
        var rows: Rows
    }

    static func sniff(_ raw: UnsafeBufferPointer<UInt8>, isWhole: Bool, options given: CSVOptions) -> CSVOptions {
        var options = given
        let detect = given.detect
        options.detect = []
        if detect.contains(.encoding) {
            options.encoding = detectEncoding(raw, given: given.encoding)
        }
        var decoded: [UInt8] = []
        var transcoder = Transcoder(options.encoding)
        transcoder.decode(raw, isFinal: isWhole, into: &decoded)
        if options.lineTerminator == .auto || detect.contains(.lineTerminator) {
            // Lone carriage returns: the row ends need the slower path.
            options.lineTerminator = hasLoneCR(decoded) ? .cr : given.lineTerminator
        }
        let limit = 200
        // Candidates whose bytes never occur in the sample are left out: an absent delimiter gives one-field rows,
        // an absent quote reads like `"` and an absent escape is never used, so none could win, and each costs a
        // pass of the tokenizer (most files need 3-6 passes instead of 28).
        let present = presentBytes(decoded, among: Array("|,; \t'\\".utf8))
        let delimiterCandidates =
            detect.contains(.delimiter)
            ? Self.delimiters.filter { $0.allSatisfy { present[Int($0)] } } : [given.delimiterBytes]
        let quotes =
            detect.contains(.quote)
            ? [UInt8(ascii: "\"")] + (present[Int(UInt8(ascii: "'"))] ? [UInt8(ascii: "'")] : []) : [given.quote]
        let backslashIsPresent = present[Int(UInt8(ascii: "\\"))]
        var best: Candidate? = nil
        decoded.withUnsafeBufferPointer { (sample: UnsafeBufferPointer<UInt8>) -> Void in
            for delimiter in delimiterCandidates {
                for quote in quotes where !delimiter.contains(quote) {
                    let escapes: [UInt8?] =
                        detect.contains(.escape)
                        ? (backslashIsPresent ? [nil, UInt8(ascii: "\\")] : [nil]) : [given.escape]
                    for escape in escapes {
                        var candidate = options
                        candidate.delimiterBytes = delimiter
                        candidate.quote = quote
                        candidate.escape = escape
                        if detect.contains(.skip) { candidate.skipLines = 0 }
                        let (found, anomalies, escapesUsed) = Self.rows(
                            sample,
                            isWhole: isWhole,
                            options: candidate,
                            limit: limit
                        )
                        if escape != nil && escapesUsed == 0 { continue }
                        let score = consistency(found.rows)
                        guard score.width >= 2 || (delimiterCandidates.count == 1 && quotes.count == 1) else {
                            continue
                        }
                        if let current = best,
                            current.score > score.value
                                || (current.score == score.value && current.anomalies <= anomalies)
                        {
                            continue
                        }
                        best = Candidate(score: score.value, anomalies: anomalies, options: candidate, rows: found)
                    }
                }
            }
        }
        guard let chosen = best else { return options }
        options = chosen.options
        let rows = chosen.rows.rows
        guard !rows.isEmpty else { return options }
        let width = consistency(rows).width
        // The preamble: leading rows whose width differs from the rows after them.
        var first = 0
        if detect.contains(.skip) {
            while first < rows.count - 1 && rows[first].count != width { first += 1 }
            var header = first
            if first > 0 {
                // A misshapen header just before the rows: kept (and repaired) when the first agreeing row is data.
                let previous = rows[first - 1]
                if previous.count >= 2 && abs(previous.count - width) <= 2
                    && !looksLikeHeader(rows[first], data: Array(rows[(first + 1)...]))
                {
                    header = first - 1
                }
            }
            options.skipLines = header == 0 ? 0 : chosen.rows.endLines[header - 1]
            first = header
        }
        if detect.contains(.header) {
            let data = Array(rows[(first + 1)...].filter { $0.count == width })
            options.hasHeader = rows[first].count != width || looksLikeHeader(rows[first], data: data)
            if !options.hasHeader && first > 0 && detect.contains(.skip) {
                // The first line of the row before, split with quotes taken as text: a header whose stray quote
                // swallowed the lines after it.
                let startLine = first >= 2 ? chosen.rows.endLines[first - 2] : 0
                let lines = decoded.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                if startLine < lines.count {
                    var line = Array(lines[startLine])
                    if line.last == UInt8(ascii: "\r") { line.removeLast() }
                    let names = split(line, by: options.delimiterBytes)
                    if abs(names.count - width) <= 2 && looksLikeHeader(names, data: data) {
                        options.skipLines = startLine
                        options.hasHeader = true
                    }
                }
            }
        }
        return options
    }

    /// `line` cut at every `delimiter`.
    static func split(_ line: [UInt8], by delimiter: [UInt8]) -> [[UInt8]] {
        var fields: [[UInt8]] = []
        var current: [UInt8] = []
        var i = 0
        while i < line.count {
            if i + delimiter.count <= line.count && Array(line[i..<i + delimiter.count]) == delimiter {
                fields.append(current)
                current = []
                i += delimiter.count
            } else {
                current.append(line[i])
                i += 1
            }
        }
        fields.append(current)
        return fields
    }

    /// The field count most rows have (`width`) and a score: the non-empty fields of the rows of that width.
    static func consistency(_ rows: [[[UInt8]]]) -> (width: Int, value: Int) {
        var counts: [Int: Int] = [:]
        for row in rows { counts[row.count, default: 0] += 1 }
        guard let width = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) })?.key
        else { return (0, 0) }
        var value = 0
        for row in rows where row.count == width {
            for field in row where !field.isEmpty { value += 1 }
        }
        return (width, value)
    }

    /// What a value looks like, for header detection.
    enum Kind { case number, boolean, date, text }

    static func kind(_ bytes: [UInt8]) -> Kind {
        bytes.withUnsafeBufferPointer { buffer in
            let start = buffer.baseAddress!
            let end = start + buffer.count
            if ByteParsing.double(start, end) != nil { return .number }
            if buffer.count >= 2, ByteParsing.boolean(start, end) != nil { return .boolean }
            for format in dateFormats {
                var days = 0
                if DateTimeFormat.parse(format.ops, format.count, start, end, days: &days) != nil { return .date }
            }
            return .text
        }
    }

    static let dateFormats: [DateTimeFormat] =
        (CSVReader.inferredDateFormats
        + CSVReader.inferredTimestampFormats).compactMap { try? DateTimeFormat($0, allowsTime: $0.contains("H")) }

    /// Whether `row` is a header for `data`: some column's values all have a type its value in `row` lacks, or every
    /// column is text (then a header is the better guess, as DuckDB takes it).
    static func looksLikeHeader(_ row: [[UInt8]], data: [[[UInt8]]]) -> Bool {
        guard !data.isEmpty else { return true }
        var allText = true
        for column in row.indices {
            var columnKind: Kind?
            var mixed = false
            for values in data.prefix(100) where column < values.count && !values[column].isEmpty {
                let k = kind(values[column])
                if columnKind == nil { columnKind = k } else if columnKind != k { mixed = true }
            }
            guard let columnKind, !mixed, columnKind != .text else { continue }
            allText = false
            if row[column].isEmpty || kind(row[column]) != columnKind { return true }
        }
        return allText
    }

    /// Which of `bytes` occur in `sample`, as a table indexed by byte (memchr per byte: a few microseconds per
    /// mebibyte each).
    static func presentBytes(_ sample: [UInt8], among bytes: [UInt8]) -> [Bool] {
        var table = [Bool](repeating: false, count: 256)
        sample.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            for byte in bytes { table[Int(byte)] = memchr(base, Int32(byte), raw.count) != nil }
        }
        return table
    }

    static func hasLoneCR(_ bytes: [UInt8]) -> Bool {
        guard presentBytes(bytes, among: [UInt8(ascii: "\r")])[Int(UInt8(ascii: "\r"))] else { return false }
        var i = 0
        let n = bytes.count
        while i < n {
            if bytes[i] == UInt8(ascii: "\r") && (i + 1 < n ? bytes[i + 1] != UInt8(ascii: "\n") : false) {
                return true
            }
            i += 1
        }
        return false
    }

    /// UTF-16 by its byte-order mark; Windows-1252 when the sample is plainly not UTF-8: no valid multi-byte
    /// sequence, and invalid bytes on a quarter or more of its lines (a UTF-8 file with a few bad rows keeps UTF-8,
    /// and those rows are rejected).
    static func detectEncoding(_ raw: UnsafeBufferPointer<UInt8>, given: CSVOptions.Encoding) -> CSVOptions.Encoding {
        if raw.count >= 2 && ((raw[0] == 0xFF && raw[1] == 0xFE) || (raw[0] == 0xFE && raw[1] == 0xFF)) {
            return .utf16
        }
        guard given == .utf8 || given == .utf8Signature, raw.count > 0 else { return given }
        var lines = 0
        var badLines = 0
        var validMultiByte = 0
        let base = raw.baseAddress!
        var lineStart = 0
        for i in 0...raw.count where i == raw.count || raw[i] == UInt8(ascii: "\n") {
            if i > lineStart {
                lines += 1
                var k = lineStart
                var bad = false
                while k < i {
                    let byte = raw[k]
                    if byte < 0x80 {
                        k += 1
                        continue
                    }
                    let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC2 ? 2 : 0
                    if length > 0 && k + length <= i && ByteParsing.isValidUTF8(base + k, base + k + length) {
                        validMultiByte += 1
                        k += length
                    } else {
                        // A sequence cut by the end of the sample is not evidence.
                        if !(i == raw.count && k + max(length, 1) > i) { bad = true }
                        k += 1
                    }
                }
                if bad { badLines += 1 }
            }
            lineStart = i + 1
        }
        return validMultiByte == 0 && badLines > 0 && badLines * 4 >= lines ? .windows1252 : given
    }
}
