/// One token of a SQL text, with where it starts.
public struct SQLToken: Sendable, Hashable {
    /// What a token is.
    public enum Kind: Sendable, Hashable {
        /// A bare word: a keyword or an identifier, as written.
        case word(String)
        /// A double-quoted identifier, unescaped.
        case quotedIdentifier(String)
        /// A single-quoted string literal, unescaped.
        case string(String)
        /// An integer literal's digits.
        case integer(String)
        /// A decimal or exponent literal, as written.
        case number(String)
        /// An operator or punctuation: `(`, `)`, `,`, `.`, `;`, `*`, `+`, `-`, `/`, `%`, `=`, `<>`, `!=`, `<`, `<=`,
        /// `>`, `>=`, `||`.
        case symbol(String)
        /// The end of the text.
        case end
    }

    /// What it is.
    public var kind: Kind
    /// Where it starts.
    public var location: SQLLocation
    /// Its length in bytes in the text.
    public var length: Int

    /// Creates a token.
    public init(kind: Kind, location: SQLLocation, length: Int) {
        self.kind = kind
        self.location = location
        self.length = length
    }

    /// The word upper-cased, for keyword comparison; `nil` for any other token.
    public var keyword: String? {
        if case .word(let text) = kind { return text.uppercased() }
        return nil
    }

    /// How an error message names it: `"FROM"`, `the end of the query`.
    public var quoted: String {
        switch kind {
        case .word(let text), .integer(let text), .number(let text), .symbol(let text): "\"\(text)\""
        case .quotedIdentifier(let text): "identifier \"\(text)\""
        case .string(let text): "string '\(text)'"
        case .end: "the end of the query"
        }
    }
}
