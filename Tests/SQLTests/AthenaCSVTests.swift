import Columnar
import Engine
import Foundation
import Logging
import SQL
import Storage
import Testing

/// A result written as Athena writes its result objects.
@Suite struct AthenaCSVTests {
    /// Collects what is written.
    final class MemorySink: ByteSink {
        let name = "memory"
        var bytes: [UInt8] = []
        var closed = false
        func write(_ buffer: UnsafeRawBufferPointer) throws { bytes += buffer }
        func close() throws { closed = true }
        func abort() { bytes = [] }
    }

    @Test func everyValueIsQuotedWithQuotesDoubledAndNullsAreEmpty() throws {
        let session = SQLSession(catalog: SQLCatalog(), store: nil, logger: Logger(label: "test"))
        var result: SQLResult?
        let sql = """
            SELECT 1 AS n, 'a "quoted", word' AS "the text", 1.5 AS x, DATE '2015-01-02' AS d,
                   TIMESTAMP '2015-01-02 03:04:05' AS ts, true AS b
            UNION ALL
            SELECT NULL, '', NULL, NULL, NULL, NULL
            """
        var written = 0
        let sink = MemorySink()
        try session.run(sql) { statement in
            result = statement
            written = try AthenaCSV.write(statement, to: sink)
        }
        #expect(result != nil)
        #expect(written == 2)
        #expect(!sink.closed)
        #expect(
            String(decoding: sink.bytes, as: UTF8.self)
                == """
                "n","the text","x","d","ts","b"
                "1","a ""quoted"", word","1.5","2015-01-02","2015-01-02 03:04:05","true"
                ,"",,,,

                """
        )
    }
}
