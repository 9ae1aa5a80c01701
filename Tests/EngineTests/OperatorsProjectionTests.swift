import Columnar
import Testing

@testable import Engine

@Suite("Operators: select and rename")
struct OperatorsProjectionTests {
    @Test func normalizedNamesFollowTheRule() {
        #expect(normalizedColumnName("Mailing list adds ") == "mailing_list_adds")
        #expect(normalizedColumnName("  Date") == "date")
        #expect(normalizedColumnName("Forecasted Monthly   Revenue") == "forecasted_monthly_revenue")
        #expect(normalizedColumnName("Tab\tand\nnewline") == "tab_and_newline")
        #expect(normalizedColumnName("already_fine") == "already_fine")
    }

    @Test func explicitMappingSelectsReordersAndRenames() throws {
        let batch = makeBatch(["A": int64Column([1, nil]), "B": stringColumn(["x", "y"]), "C": doubleColumn([1, 2])])
        let out = try Projection(.columns([ColumnMapping("C", as: "c"), ColumnMapping("A")])).apply(batch)
        #expect(out.schema.names == ["c", "A"])
        #expect(rows(out) == [[.double(1), .int(1)], [.double(2), .null]])
    }

    @Test func normalizedRuleRenamesEveryColumn() throws {
        let batch = makeBatch(["Mailing list adds ": int64Column([1]), " Date": int32Column([0], type: .date)])
        let out = try Projection(.normalizedNames).apply(batch)
        #expect(out.schema.names == ["mailing_list_adds", "date"])
        #expect(out.schema.fields[1].type == .date)
        let empty = try Projection(.normalizedNames).apply(.empty(batch.schema))
        #expect(empty.count == 0 && empty.schema.names == ["mailing_list_adds", "date"])
    }

    @Test func collisionsAndMissingColumnsAreErrors() {
        let batch = makeBatch(["A b": int64Column([1]), "a  B": int64Column([2])])
        let collision = #expect(throws: OperatorError.self) { try Projection(.normalizedNames).apply(batch) }
        #expect(collision?.description.contains("would both be named \"a_b\"") == true)
        let missing = #expect(throws: OperatorError.self) {
            try Projection(.columns([ColumnMapping("zzz")])).apply(batch)
        }
        #expect(missing?.description.contains("zzz") == true)
    }
}
