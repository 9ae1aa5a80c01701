// Hand-written because SQL's lexical rules are small and fixed, and the parser needs every token's line and
// column for its caret messages; no kept Swift package tokenises SQL.

/// Splits a SQL text into ``SQLToken``s: words, `"quoted"` identifiers (`""` for a quote), `'strings'` (`''` for
/// a quote), integer and decimal literals, operators and punctuation; `--` line comments and `/* */` block comments
/// are skipped. Works on the text's bytes.
public struct SQLLexer: Sendable {
    /// The text's bytes.
    public let text: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0

    /// A lexer over `text`.
    public init(_ text: String) {
        self.text = Array(text.utf8)
    }

    /// Every token of the text, ending with ``SQLToken/Kind/end``.
    public static func tokens(_ text: String) throws(SQLSyntaxError) -> [SQLToken] {
        var lexer = SQLLexer(text)
        var tokens: [SQLToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private var location: SQLLocation { SQLLocation(offset: index, line: line, column: index - lineStart + 1) }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        index + ahead < text.count ? text[index + ahead] : nil
    }

    private mutating func advance() {
        if text[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        index += 1
    }

    private func error(_ message: String, at location: SQLLocation) -> SQLSyntaxError {
        SQLSyntaxError(message: message, location: location, text: text)
    }

    /// The next token.
    public mutating func next() throws(SQLSyntaxError) -> SQLToken {
        try skipSpaceAndComments()
        let start = location
        guard let byte = peek() else { return SQLToken(kind: .end, location: start, length: 0) }
        let kind: SQLToken.Kind
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"), 0x80...:
            while let next = peek(), Self.isWordByte(next) { advance() }
            kind = .word(String(decoding: text[start.offset..<index], as: UTF8.self))
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            kind = try number(from: start)
        case UInt8(ascii: "."):
            if let next = peek(1), Self.isDigit(next) {
                kind = try number(from: start)
            } else {
                advance()
                kind = .symbol(".")
            }
        case UInt8(ascii: "'"):
            kind = .string(try quoted(UInt8(ascii: "'"), from: start, what: "string"))
        case UInt8(ascii: "\""):
            let name = try quoted(UInt8(ascii: "\""), from: start, what: "quoted identifier")
            guard !name.isEmpty else { throw error("an empty quoted identifier", at: start) }
            kind = .quotedIdentifier(name)
        default:
            kind = .symbol(try symbol(at: start))
        }
        return SQLToken(kind: kind, location: start, length: index - start.offset)
    }

    private mutating func skipSpaceAndComments() throws(SQLSyntaxError) {
        while let byte = peek() {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\r")
            {
                advance()
            } else if byte == UInt8(ascii: "-"), peek(1) == UInt8(ascii: "-") {
                while let next = peek(), next != UInt8(ascii: "\n") { advance() }
            } else if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                let start = location
                advance()
                advance()
                while true {
                    guard let next = peek() else { throw error("a comment that is never closed with */", at: start) }
                    if next == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                        advance()
                        advance()
                        break
                    }
                    advance()
                }
            } else {
                return
            }
        }
    }

    private mutating func number(from start: SQLLocation) throws(SQLSyntaxError) -> SQLToken.Kind {
        var isInteger = true
        while let next = peek(), Self.isDigit(next) { advance() }
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            advance()
            while let next = peek(), Self.isDigit(next) { advance() }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            var ahead = 1
            if let sign = peek(1), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { ahead = 2 }
            if let digit = peek(ahead), Self.isDigit(digit) {
                isInteger = false
                for _ in 0..<ahead { advance() }
                while let next = peek(), Self.isDigit(next) { advance() }
            }
        }
        if let next = peek(), Self.isWordByte(next), !Self.isDigit(next) {
            throw error("a number run into a word; put a space between them", at: start)
        }
        let literal = String(decoding: text[start.offset..<index], as: UTF8.self)
        return isInteger ? .integer(literal) : .number(literal)
    }

    private mutating func quoted(
        _ quote: UInt8,
        from start: SQLLocation,
        what: String
    ) throws(SQLSyntaxError)
        -> String
    {
        advance()
        var bytes: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw error("a \(what) that is never closed with \(Character(Unicode.Scalar(quote)))", at: start)
            }
            advance()
            if byte == quote {
                guard peek() == quote else { break }
                advance()
            }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func symbol(at start: SQLLocation) throws(SQLSyntaxError) -> String {
        let byte = text[index]
        let pair = peek(1).map { [byte, $0] }
        for two in ["<=", ">=", "<>", "!=", "||"] where pair == Array(two.utf8) {
            advance()
            advance()
            return two
        }
        let single = Character(Unicode.Scalar(byte))
        guard "(),.;*+-/%=<>".contains(single) else {
            throw error("unexpected character \"\(single)\"", at: start)
        }
        advance()
        return String(single)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), 0x80...:
            true
        default: false
        }
    }
}
