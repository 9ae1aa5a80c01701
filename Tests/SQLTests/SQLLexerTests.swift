import SQL
import Testing

/// Tokens, their places, and the lexical errors.
@Suite struct SQLLexerTests {
    @Test func tokensCarryTheirLineAndColumn() throws {
        let tokens = try SQLLexer.tokens(
            "SELECT \"Lead Name\", 'it''s' -- a comment\n  FROM t /* block\n */ WHERE x>=1.5e3"
        )
        let kinds = tokens.map(\.kind)
        #expect(
            kinds == [
                .word("SELECT"), .quotedIdentifier("Lead Name"), .symbol(","), .string("it's"), .word("FROM"),
                .word("t"), .word("WHERE"), .word("x"), .symbol(">="), .number("1.5e3"), .end,
            ]
        )
        let places = tokens.map { "\($0.location.line):\($0.location.column)" }
        #expect(places == ["1:1", "1:8", "1:19", "1:21", "2:3", "2:8", "3:5", "3:11", "3:12", "3:14", "3:19"])
        #expect(tokens[1].length == 11, "the quotes count")
        #expect(tokens[4].location.offset == 43)
    }

    @Test func numbersAndOperators() throws {
        let kinds = try SQLLexer.tokens("1 .5 2. 3e-2 9223372036854775808 a||b <> != <= %").map(\.kind)
        #expect(
            kinds == [
                .integer("1"), .number(".5"), .number("2."), .number("3e-2"), .integer("9223372036854775808"),
                .word("a"), .symbol("||"), .word("b"), .symbol("<>"), .symbol("!="), .symbol("<="), .symbol("%"), .end,
            ]
        )
    }

    @Test(arguments: [
        ("SELECT 'open", "line 1, column 8: a string that is never closed with '\n  SELECT 'open\n         ^"),
        ("SELECT\n  \"col", "line 2, column 3: a quoted identifier that is never closed with \"\n    \"col\n    ^"),
        ("SELECT 1 /* x", "line 1, column 10: a comment that is never closed with */\n  SELECT 1 /* x\n           ^"),
        ("SELECT a ? b", "line 1, column 10: unexpected character \"?\"\n  SELECT a ? b\n           ^"),
        (
            "SELECT 12abc",
            "line 1, column 8: a number run into a word; put a space between them\n  SELECT 12abc\n         ^"
        ),
        ("SELECT \"\"", "line 1, column 8: an empty quoted identifier\n  SELECT \"\"\n         ^"),
    ])
    func lexicalErrorsPointAtTheirToken(text: String, expected: String) {
        #expect {
            _ = try SQLLexer.tokens(text)
        } throws: { error in
            "\(error)" == expected
        }
    }
}
