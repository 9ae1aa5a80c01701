/// A simple, allocating splitter for single rows: the header, and the first row of a file without one.
enum RowSplitter {
    enum Result {
        /// The row's fields (unescaped), the offset after its terminator, and the line feeds it consumed.
        case row(fields: [[UInt8]], next: Int, lines: Int)
        /// The row runs past the end of the bytes available.
        case needMore
    }

    static func split(
        _ base: UnsafePointer<UInt8>,
        from: Int,
        to: Int,
        isFinal: Bool,
        delimiter: UInt8,
        quote: UInt8
    ) -> Result {
        let lf = UInt8(ascii: "\n")
        let cr = UInt8(ascii: "\r")
        var fields: [[UInt8]] = []
        var current: [UInt8] = []
        var lines = 0
        var i = from
        var inQuotes = false
        var atFieldStart = true
        while i < to {
            let c = base[i]
            if inQuotes {
                if c == quote {
                    if i + 1 < to && base[i + 1] == quote {
                        current.append(quote)
                        i += 2
                        continue
                    }
                    if i + 1 == to && !isFinal { return .needMore }
                    inQuotes = false
                } else {
                    if c == lf { lines += 1 }
                    current.append(c)
                }
                i += 1
                continue
            }
            if c == quote && atFieldStart {
                inQuotes = true
                atFieldStart = false
                i += 1
                continue
            }
            atFieldStart = false
            if c == delimiter {
                fields.append(current)
                current = []
                atFieldStart = true
            } else if c == lf {
                if current.last == cr { current.removeLast() }
                fields.append(current)
                return .row(fields: fields, next: i + 1, lines: lines + 1)
            } else {
                current.append(c)
            }
            i += 1
        }
        guard isFinal else { return .needMore }
        if !inQuotes, current.last == cr { current.removeLast() }
        fields.append(current)
        return .row(fields: fields, next: to, lines: lines)
    }
}
