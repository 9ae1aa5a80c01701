/// What a ``DialectTokenizer`` finds.
protocol DialectSink {
    /// A field of the current row, unescaped; `quoted` when it was (partly) quoted.
    mutating func field(_ bytes: [UInt8], quoted: Bool)
    /// The end of a row, after `lines` line breaks of the text so far.
    mutating func endRow(lines: Int)
    /// A line that is no row (empty, skipped or a comment), after `lines` line breaks of the text so far.
    mutating func blankLine(lines: Int)
    /// Whether the tokenizer should go on; it stops after a row once this is false.
    var wantsMore: Bool { get }
}

extension DialectSink {
    var wantsMore: Bool { true }
}

/// A byte-at-a-time tokenizer for every dialect the options describe: the slower path behind the plain parser, used
/// by the sniffer and by ``NormalizingSource``. It is lenient where the plain parser is not: text after a closing
/// quote is kept as part of the field.
struct DialectTokenizer {
    let delimiter: [UInt8]
    let quote: UInt8
    /// The escape byte inside quotes, or the quote itself (doubling only).
    let escape: UInt8
    let crEndsRow: Bool
    let comment: [UInt8]
    var skipLines: Int
    /// How many bytes past a position the tokenizer may need to see.
    let lookahead: Int

    private var inQuotes = false
    private var quoted = false
    private var field: [UInt8] = []
    private var fieldsInRow = 0
    private var atRowStart = true
    private var skipping = false
    /// Closing quotes followed by text, and escapes: evidence for the sniffer.
    private(set) var anomalies = 0
    private(set) var escapesUsed = 0
    /// Line feeds (and row-ending lone carriage returns) consumed.
    private(set) var lines = 0
    /// The bytes of the field being read, so far.
    var pendingFieldBytes: Int { field.count }
    /// The line breaks before the row being read.
    private(set) var rowStartLines = 0

    init(options: CSVOptions) {
        delimiter = options.delimiterBytes
        quote = options.quote
        escape = options.escape ?? options.quote
        crEndsRow = options.lineTerminator == .auto || options.lineTerminator == .cr
        comment = options.comment ?? []
        skipLines = options.skipLines
        lookahead = max(delimiter.count, comment.count, 2)
    }

    @inline(__always)
    private func matches(_ pattern: [UInt8], _ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Bool {
        guard !pattern.isEmpty, n - i >= pattern.count else { return false }
        for k in 0..<pattern.count where p[i + k] != pattern[k] { return false }
        return true
    }

    private mutating func endRow<S: DialectSink>(_ sink: inout S) {
        if fieldsInRow == 0 && field.isEmpty && !quoted {
            sink.blankLine(lines: lines)
        } else {
            sink.field(field, quoted: quoted)
            sink.endRow(lines: lines)
        }
        field.removeAll(keepingCapacity: true)
        quoted = false
        fieldsInRow = 0
        atRowStart = true
    }

    /// Tokenizes `[0, n)` of `p` and returns how many bytes it consumed; without `isFinal` it stops where it would
    /// need to see past `n`, and the caller passes the rest again with more bytes after it.
    mutating func process<S: DialectSink>(
        _ p: UnsafePointer<UInt8>,
        count n: Int,
        isFinal: Bool,
        into sink: inout S
    )
        -> Int
    {
        let lf = UInt8(ascii: "\n")
        let cr = UInt8(ascii: "\r")
        var i = 0
        while i < n && (isFinal || n - i >= lookahead) {
            if atRowStart && !sink.wantsMore { return i }
            let c = p[i]
            if skipping {
                if c == lf || c == cr {
                    let crlf = c == cr && i + 1 < n && p[i + 1] == lf
                    i += crlf ? 2 : 1
                    if c == cr && !crlf && !crEndsRow { continue }
                    lines += 1
                    skipping = false
                    sink.blankLine(lines: lines)
                    continue
                }
                i += 1
                continue
            }
            if atRowStart && !inQuotes {
                if skipLines > 0 {
                    skipLines -= 1
                    skipping = true
                    continue
                }
                if matches(comment, p, i, n) {
                    skipping = true
                    continue
                }
                atRowStart = false
                rowStartLines = lines
            }
            if inQuotes {
                if c == escape && escape != quote && i + 1 < n && (p[i + 1] == quote || p[i + 1] == escape) {
                    field.append(p[i + 1])
                    escapesUsed += 1
                    i += 2
                    continue
                }
                if c == quote {
                    if i + 1 < n && p[i + 1] == quote {
                        field.append(quote)
                        i += 2
                        continue
                    }
                    inQuotes = false
                    i += 1
                    if i < n && !matches(delimiter, p, i, n) && p[i] != lf && p[i] != cr { anomalies += 1 }
                    continue
                }
                if c == lf { lines += 1 }
                field.append(c)
                i += 1
                continue
            }
            if c == quote && field.isEmpty && !quoted {
                inQuotes = true
                quoted = true
                i += 1
                continue
            }
            if matches(delimiter, p, i, n) {
                sink.field(field, quoted: quoted)
                field.removeAll(keepingCapacity: true)
                quoted = false
                fieldsInRow += 1
                i += delimiter.count
                continue
            }
            if c == lf {
                lines += 1
                endRow(&sink)
                i += 1
                continue
            }
            if c == cr {
                if i + 1 < n && p[i + 1] == lf {
                    lines += 1
                    endRow(&sink)
                    i += 2
                    continue
                }
                if crEndsRow || i + 1 == n {
                    lines += 1
                    endRow(&sink)
                    i += 1
                    continue
                }
            }
            if c == escape && escape != quote && i + 1 < n && p[i + 1] == quote {
                field.append(quote)
                escapesUsed += 1
                i += 2
                continue
            }
            field.append(c)
            i += 1
        }
        if isFinal && i == n {
            if inQuotes { anomalies += 1 }
            inQuotes = false
            if fieldsInRow > 0 || !field.isEmpty || quoted { endRow(&sink) }
        }
        return i
    }
}
