/// A possibly qualified name: `marketing_qs`, `marketingandsales_qs.marketing_qs`.
public struct SQLName: Sendable, Hashable, CustomStringConvertible {
    /// The parts, outermost first.
    public var parts: [String]
    /// Where it starts.
    public var location: SQLLocation

    /// Creates a name.
    public init(_ parts: [String], at location: SQLLocation) {
        self.parts = parts
        self.location = location
    }

    /// The last part: the table's own name.
    public var name: String { parts[parts.count - 1] }
    /// The part before the last (the database), if any.
    public var qualifier: String? { parts.count > 1 ? parts[parts.count - 2] : nil }

    /// The name as SQL.
    public var description: String { parts.map(Self.render).joined(separator: ".") }

    /// A part as SQL: bare when it is a plain lower-case word, else double-quoted.
    static func render(_ part: String) -> String {
        let plain = part.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
        let startsWell = part.utf8.first.map { !($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) } ?? false
        if plain, startsWell, !SQLKeywords.reserved.contains(part.uppercased()) { return part }
        return "\"\(doubling("\"", in: part))\""
    }

    /// `text` with every `quote` doubled, as SQL escapes it inside that quote.
    static func doubling(_ quote: Character, in text: String) -> String {
        var result = ""
        for character in text {
            if character == quote { result.append(quote) }
            result.append(character)
        }
        return result
    }
}
