// Hand-written recursive descent, as DataFusion, DuckDB and Trino each own theirs: the dialect is ours to choose
// (Athena/Trino where it and DuckDB agree), and every error must point at its token with a caret.

/// Parses a SQL text into ``SQLStatement``s. Unquoted identifiers are folded to lower case (as Trino and DuckDB
/// compare them); `"quoted"` ones keep their case. Errors are ``SQLSyntaxError``s naming the line and column, what
/// was expected and what was found.
public struct SQLParser: Sendable {
    let tokens: [SQLToken]
    let text: [UInt8]
    var position = 0

    /// A parser over `text`; throws when the text cannot be split into tokens.
    public init(_ text: String) throws(SQLSyntaxError) {
        tokens = try SQLLexer.tokens(text)
        self.text = Array(text.utf8)
    }

    /// Every statement of `text`, separated by `;` (a trailing `;` is allowed).
    public static func statements(_ text: String) throws(SQLSyntaxError) -> [SQLStatement] {
        var parser = try SQLParser(text)
        var statements: [SQLStatement] = []
        while true {
            while parser.accept(symbol: ";") {}
            if parser.current.kind == .end { break }
            statements.append(try parser.statement())
            if parser.current.kind != .end, !parser.check(symbol: ";") {
                throw parser.unexpected("\";\" or the end of the statement")
            }
        }
        guard !statements.isEmpty else { throw parser.unexpected("a statement") }
        return statements
    }

    /// The one statement of `text`.
    public static func statement(_ text: String) throws(SQLSyntaxError) -> SQLStatement {
        var parser = try SQLParser(text)
        let statement = try parser.statement()
        while parser.accept(symbol: ";") {}
        guard parser.current.kind == .end else { throw parser.unexpected("the end of the statement") }
        return statement
    }

    // MARK: Tokens

    var current: SQLToken { tokens[position] }
    func peek(_ ahead: Int) -> SQLToken { tokens[min(position + ahead, tokens.count - 1)] }

    mutating func advance() -> SQLToken {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    func check(keyword: String) -> Bool { current.keyword == keyword }
    func check(symbol: String) -> Bool { current.kind == .symbol(symbol) }

    mutating func accept(keyword: String) -> Bool {
        guard check(keyword: keyword) else { return false }
        position += 1
        return true
    }

    mutating func accept(symbol: String) -> Bool {
        guard check(symbol: symbol) else { return false }
        position += 1
        return true
    }

    mutating func expect(keyword: String) throws(SQLSyntaxError) {
        guard accept(keyword: keyword) else { throw unexpected(keyword) }
    }

    mutating func expect(symbol: String) throws(SQLSyntaxError) {
        guard accept(symbol: symbol) else { throw unexpected("\"\(symbol)\"") }
    }

    func unexpected(_ expected: String) -> SQLSyntaxError {
        error("expected \(expected), found \(current.quoted)", at: current.location)
    }

    func error(_ message: String, at location: SQLLocation) -> SQLSyntaxError {
        SQLSyntaxError(message: message, location: location, text: text)
    }

    /// An identifier: a bare word that is not reserved (folded to lower case), or a quoted one.
    mutating func identifier(_ what: String) throws(SQLSyntaxError) -> String {
        switch current.kind {
        case .word(let word) where !SQLKeywords.reserved.contains(word.uppercased()):
            position += 1
            return word.lowercased()
        case .quotedIdentifier(let name):
            position += 1
            return name
        case .word(let word):
            throw error(
                "expected \(what), found the reserved word \(word.uppercased()) (write it \"\(word.lowercased())\" "
                    + "to use it as a name)",
                at: current.location
            )
        default:
            throw unexpected(what)
        }
    }

    /// Whether the current token can start an identifier.
    var atIdentifier: Bool {
        switch current.kind {
        case .word(let word): !SQLKeywords.reserved.contains(word.uppercased())
        case .quotedIdentifier: true
        default: false
        }
    }

    /// `a`, `db.a`, `catalog.db.a`.
    mutating func qualifiedName(_ what: String) throws(SQLSyntaxError) -> SQLName {
        let location = current.location
        var parts = [try identifier(what)]
        while check(symbol: "."), parts.count < 3 {
            position += 1
            parts.append(try identifier(what))
        }
        return SQLName(parts, at: location)
    }

    // MARK: Statements

    mutating func statement() throws(SQLSyntaxError) -> SQLStatement {
        switch current.keyword {
        case "EXPLAIN":
            position += 1
            return .explain(try statement())
        case "CREATE":
            position += 1
            try expect(keyword: "TABLE")
            let name = try qualifiedName("a table name")
            try expect(keyword: "AS")
            return .createTableAs(name, try query())
        case "DROP":
            position += 1
            try expect(keyword: "TABLE")
            var ifExists = false
            if check(keyword: "IF") {
                position += 1
                try expect(keyword: "EXISTS")
                ifExists = true
            }
            let name = try qualifiedName("a table name")
            return .dropTable(name, ifExists: ifExists, purge: accept(keyword: "PURGE"))
        case "SHOW":
            position += 1
            try expect(keyword: "TABLES")
            if accept(keyword: "FROM") || accept(keyword: "IN") {
                return .showTables(database: try identifier("a database name"))
            }
            return .showTables(database: nil)
        case "DESCRIBE", "DESC":
            position += 1
            return .describe(try qualifiedName("a table name"))
        case "USE":
            position += 1
            return .use(try identifier("a database name"))
        case "SELECT", "WITH":
            return .query(try query())
        default:
            if check(symbol: "(") { return .query(try query()) }
            throw unexpected(
                "a statement (SELECT, WITH, CREATE TABLE … AS, DROP TABLE, SHOW TABLES, DESCRIBE, USE, EXPLAIN)"
            )
        }
    }
}
