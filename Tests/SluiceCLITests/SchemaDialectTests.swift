import Foundation
import TestSupport
import Testing

/// `sluice schema` on messy CSV files (issue 14): the sniffed dialect printed in job-file notation, the flags that
/// give it, and a wrong flag a clear error.
@Suite struct SchemaDialectTests {
    @Test func schemaPrintsTheSniffedDialect() throws {
        let directory = try Paths.temporaryDirectory("sluice-schema")
        let file = directory.appendingPathComponent("messy.csv")
        let text = "Exported by Tool\nid||name||id\n1||Ann||7\n2||Bo||8\n3||Cy||9\n"
        try Data(text.utf8).write(to: file)
        let result = try SluiceBinary.run(["schema", file.path])
        #expect(result.status == 0)
        #expect(result.stdout.contains(#"dialect: "delimiter": "||", "quote": "\"", "header": true, "skip": 1"#))
        #expect(result.stdout.contains("id_1    int64"))
        #expect(result.stdout.contains("name    string(empty_is_null)"))

        let given = try SluiceBinary.run(["schema", file.path, "--delimiter", "||", "--skip", "1", "--header", "true"])
        #expect(given.stdout == result.stdout)

        let wrong = try SluiceBinary.run(["schema", file.path, "--header", "maybe"])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("--header must be true, false or auto"))
    }
}
