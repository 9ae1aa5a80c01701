import Storage

extension CSVReader {
    /// The bytes at the start of the file the dialect is sniffed from.
    static let sampleBytes = 1 << 20
    /// The bytes at the start of the file that the header is checked against and lone `\r` looked for, when nothing
    /// is sniffed.
    static let checkBytes = 64 << 10

    /// Reads until `size` bytes (at most the line limit) are buffered or the file ends, and keeps a copy of them: the
    /// sample does not depend on the chunk size, so neither does what is detected.
    private func bufferSample(_ size: Int) throws {
        let size = min(size, front)
        while filled - start < size && !atEnd { try fill() }
        let count = min(filled - start, size)
        sample = Array(UnsafeBufferPointer(start: buffer + start, count: count))
        sampleIsWhole = atEnd && filled - start <= size
    }

    /// With the first chunk read: detects what ``CSVOptions/detect`` asks for and lone `\r` row ends, and when the
    /// dialect needs the slower path, starts the read again through a ``NormalizingSource``.
    func resolveDialect() throws {
        var resolved = options
        if !options.detect.isEmpty {
            try bufferSample(Self.sampleBytes)
            resolved = sample.withUnsafeBufferPointer {
                CSVSniffer.sniff($0, isWhole: sampleIsWhole, options: options)
            }
        } else if options.lineTerminator == .auto && options.isPlain {
            try bufferSample(Self.checkBytes)
            if sample.withUnsafeBufferPointer({ Self.hasLoneCR($0.baseAddress!, $0.baseAddress! + $0.count) }) {
                resolved.lineTerminator = .cr
            }
        }
        options = resolved
        plain = resolved
        if !resolved.isPlain {
            // Start again from the first byte, through the slower path.
            let consumed = Array(UnsafeBufferPointer(start: buffer + start, count: filled - start))
            // The read ahead set up by the last fill has not started (fill starts and waits for the one before):
            // drop it, balancing its group.
            if prefetchJob != nil, let pending = prefetch { pending.group.leave() }
            prefetchJob = nil
            prefetch = nil
            source = NormalizingSource(ReplaySource(prefix: consumed, then: source), options: resolved)
            plain = NormalizingSource.plainOptions(resolved)
            start = front
            filled = front
            atEnd = false
            producedBytes = 0
            sample = []
        }
        if plain.hasHeader && sample.isEmpty { try bufferSample(Self.checkBytes) }
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

    /// The offset in the (plain) stream of the buffer position `offset`.
    func streamOffset(_ offset: Int) -> Int { producedBytes - (filled - offset) }

    /// The field count that most of the sampled rows after buffer position `offset` have, or 0 without a clear
    /// consensus (five or more rows of two or more fields, 90% of the rows sampled), and those rows.
    func sampledRows(after offset: Int) -> (width: Int, rows: [[[UInt8]]]) {
        let from = streamOffset(offset)
        guard from >= 0, from < sample.count else { return (0, []) }
        let found = sample[from...].withUnsafeBufferPointer {
            CSVSniffer.rows($0, isWhole: sampleIsWhole, options: plain, limit: 200).rows.rows
        }
        let width = CSVSniffer.consistency(found).width
        let agreeing = found.filter { $0.count == width }.count
        let clear = width >= 2 && agreeing >= 5 && agreeing * 10 >= found.count * 9
        return (clear ? width : 0, found)
    }

    func consensusWidth(after offset: Int) -> Int { sampledRows(after: offset).width }

    /// The header's names made unique (`a`, `a_1`, …; empty names `column<N>`), and fitted to the width of the rows
    /// after it when it is narrower or wider: missing names generated, surplus names dropped (or, when the rows only
    /// end in empty fields, those fields ignored). One warning is recorded for a repair.
    func repairHeader(_ names: [String]) -> [String] {
        var names = names
        let (width, rows) = sampledRows(after: start)
        let agreeing = rows.filter { $0.count == width }
        if width > 0 && width != names.count {
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
