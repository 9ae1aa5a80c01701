import Storage

extension CSVReader {
    /// The bytes at the start of the file the dialect is sniffed from.
    static let sampleBytes = 1 << 20

    /// With the first chunk read: detects what ``CSVOptions/detect`` asks for and lone `\r` row ends, and when the
    /// dialect needs the slower path, starts the read again through a ``NormalizingSource``.
    func resolveDialect() throws {
        let count = min(filled - start, Self.sampleBytes)
        let isWhole = atEnd && filled - start <= Self.sampleBytes
        var resolved = options
        if !options.detect.isEmpty {
            resolved = CSVSniffer.sniff(
                UnsafeBufferPointer(start: buffer + start, count: count),
                isWhole: isWhole,
                options: options
            )
        } else if options.lineTerminator == .auto && options.isPlain
            && Self.hasLoneCR(buffer + start, buffer + start + count)
        {
            resolved.lineTerminator = .cr
        }
        options = resolved
        plain = resolved
        guard !resolved.isPlain else { return }
        // Start again from the first byte, through the slower path.
        let consumed = Array(UnsafeBufferPointer(start: buffer + start, count: filled - start))
        prefetchJob = nil
        prefetch = nil
        source = NormalizingSource(ReplaySource(prefix: consumed, then: source), options: resolved)
        plain = NormalizingSource.plainOptions(resolved)
        start = front
        filled = front
        atEnd = false
        producedBytes = 0
        while filled - start < 4 && !atEnd { try fill() }
    }

    /// Whether `[start, end)` holds a `\r` not followed by `\n` (a `\r` at `end` does not count).
    static func hasLoneCR(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool {
        let cr = UInt8(ascii: "\r")
        var p = ByteParsing.find(cr, start, end)
        while p < end {
            if p + 1 < end && p[1] != UInt8(ascii: "\n") { return true }
            p = ByteParsing.find(cr, p + 1, end)
        }
        return false
    }

    /// The field count most of the sampled rows after `offset` (in the current buffer) have, or 0 for fewer than two
    /// such rows; the third value is whether the fields past `width` of those rows are all empty.
    func sampledRows(after offset: Int) -> (width: Int, rows: [[[UInt8]]]) {
        let count = min(filled - offset, Self.sampleBytes)
        guard count > 0 else { return (0, []) }
        let isWhole = atEnd && filled - offset <= Self.sampleBytes
        let found = CSVSniffer.rows(
            UnsafeBufferPointer(start: buffer + offset, count: count),
            isWhole: isWhole,
            options: plain,
            limit: 200
        ).rows.rows
        let width = CSVSniffer.consistency(found).width
        let agreeing = found.filter { $0.count == width }.count
        return (agreeing >= 2 ? width : 0, found)
    }

    func consensusWidth(after offset: Int) -> Int { sampledRows(after: offset).width }

    /// The header's names made unique (`a`, `a_1`, …; empty names `column<N>`), and fitted to the width of the rows
    /// after it when it is narrower or wider: missing names generated, surplus names dropped (or, when the rows only
    /// end in empty fields, those fields ignored). One warning is recorded for a repair.
    func repairHeader(_ names: [String]) -> [String] {
        var names = names
        let (width, rows) = sampledRows(after: start)
        if width > 0 && width != names.count {
            let agreeing = rows.filter { $0.count == width }
            let extraEmpty =
                width > names.count && agreeing.allSatisfy { $0[names.count...].allSatisfy(\.isEmpty) }
            if width > names.count && extraEmpty {
                plain.ignoreExtraFields = true
                options.ignoreExtraFields = true
                warnings.append(
                    "\(path): the rows end in \(width - names.count) empty field(s) past the header's \(names.count); "
                        + "they are ignored"
                )
            } else if width > names.count {
                warnings.append(
                    "\(path): the header has \(names.count) names and the rows \(width) fields; "
                        + "\(width - names.count) name(s) are generated"
                )
                names += (names.count..<width).map { "column\($0 + 1)" }
            } else {
                warnings.append(
                    "\(path): the header has \(names.count) names and the rows \(width) fields; the last "
                        + "\(names.count - width) name(s) are dropped"
                )
                names.removeLast(names.count - width)
            }
        }
        return Self.uniqueNames(names)
    }

    /// Duplicate names made unique the way DuckDB does (`a`, `a_1`, `a_2`), empty names as `column<N>`.
    static func uniqueNames(_ names: [String]) -> [String] {
        var named = names.enumerated().map { $1.isEmpty ? "column\($0 + 1)" : $1 }
        var used = Set<String>()
        for i in named.indices {
            let base = named[i]
            var candidate = base
            var k = 0
            while used.contains(candidate) {
                k += 1
                candidate = "\(base)_\(k)"
            }
            named[i] = candidate
            used.insert(candidate)
        }
        return named
    }
}
