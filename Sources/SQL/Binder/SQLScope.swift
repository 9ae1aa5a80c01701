/// The columns an expression can name, in the positions of the batch it is evaluated on.
struct SQLScope {
    /// One visible column.
    struct Entry {
        /// The table name or alias that qualifies it.
        var qualifier: String?
        /// Its name (lower-case unless quoted).
        var name: String
        var type: SQLType
        /// Whether an unqualified name skips it (the right side's copy of a `USING` column).
        var qualifiedOnly = false
    }

    var entries: [Entry] = []

    /// The position of the column `parts` names (`name`, `table.name`, `db.table.name`).
    func resolve(_ parts: [String], at location: SQLLocation, in text: String) throws(SQLError) -> Int {
        let name = parts.last!.lowercased()
        let qualifier = parts.count >= 2 ? parts[parts.count - 2].lowercased() : nil
        let matches = entries.indices.filter { i in
            let entry = entries[i]
            guard entry.name.lowercased() == name else { return false }
            if let qualifier { return entry.qualifier?.lowercased() == qualifier }
            return !entry.qualifiedOnly
        }
        if matches.count == 1 { return matches[0] }
        let written = parts.map(SQLName.render).joined(separator: ".")
        if matches.count > 1 {
            let names = matches.map { i in "\(entries[i].qualifier.map { "\($0)." } ?? "")\(entries[i].name)" }
            throw SQLError(
                "column reference \(written) is ambiguous (it could be \(names.joined(separator: " or ")))",
                at: location,
                in: text
            )
        }
        if let qualifier, !entries.contains(where: { $0.qualifier?.lowercased() == qualifier }) {
            let qualifiers = Set(entries.compactMap(\.qualifier))
            throw SQLError(
                "unknown table \(SQLName.render(qualifier)) in \(written)"
                    + SQLSuggestion.didYouMean(qualifier, among: Array(qualifiers)),
                at: location,
                in: text
            )
        }
        let candidates = entries.filter { qualifier == nil || $0.qualifier?.lowercased() == qualifier }.map(\.name)
        throw SQLError(
            "unknown column \(written)" + SQLSuggestion.didYouMean(name, among: candidates),
            at: location,
            in: text
        )
    }
}

/// "did you mean" for a misspelt name: the closest known name by edit distance, when close enough.
enum SQLSuggestion {
    static func didYouMean(_ name: String, among candidates: [String]) -> String {
        guard !candidates.isEmpty else { return "" }
        let scored = candidates.map { ($0, distance(name.lowercased(), $0.lowercased())) }
        let best = scored.min { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }!
        guard best.1 <= max(2, best.0.count / 2) else {
            return " (known: \(candidates.sorted().prefix(12).joined(separator: ", ")))"
        }
        return "; did you mean \"\(best.0)\"?"
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where j <= b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
