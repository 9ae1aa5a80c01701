import Columnar

/// Deterministic record batches shaped like the jobs' data, for the operator and Parquet kernels.
public enum Batches {
    /// A PSD-like batch: `date` (unique days in shuffled order), `forecasted_lead_revenue`, `leads_generated`;
    /// days are `offset ..< offset + rows`.
    public static func psdLike(rows: Int, offset: Int = 0, seed: UInt64 = 1) -> RecordBatch {
        let days = shuffledDays(rows: rows, offset: offset, seed: seed)
        let revenue = Fixtures.keys(count: rows, seed: seed &+ 10, modulo: 5_000_000)
        let leads = Fixtures.keys(count: rows, seed: seed &+ 11, modulo: 20).map { $0 + 1 }
        return RecordBatch(
            schema: Schema([
                Field("date", .date), Field("forecasted_lead_revenue", .int64), Field("leads_generated", .int64),
            ]),
            columns: [
                Column(type: .date, values: .int32(days)),
                Column(type: .int64, values: .int64(revenue)),
                Column(type: .int64, values: .int64(leads)),
            ]
        )
    }

    /// A PMD-like batch: `date` (unique, shuffled, `offset ..< offset + rows`), 17 int64 counts and `events`
    /// (a string, null in 45% of rows).
    public static func pmdLike(rows: Int, offset: Int = 0, seed: UInt64 = 2) -> RecordBatch {
        let names = [
            "new_visitors_seo", "new_visitors_cpc", "new_visitors_social_media", "return_visitors",
            "twitter_mentions", "twitter_follower_adds", "twitter_followers_cumulative", "mailing_list_adds",
            "mailing_list_cumulative", "website_pageviews", "website_visits", "website_unique_visits",
            "mobile_uniques", "tablet_uniques", "desktop_uniques", "free_sign_up", "paid_conversion",
        ]  // fmt: skip
        var fields = [Field("date", .date)]
        var columns = [Column(type: .date, values: .int32(shuffledDays(rows: rows, offset: offset, seed: seed)))]
        for (n, name) in names.enumerated() {
            fields.append(Field(name, .int64))
            let values = Fixtures.keys(count: rows, seed: seed &+ UInt64(20 + n), modulo: 100_000)
            columns.append(Column(type: .int64, values: .int64(values)))
        }
        let events = ["2013 CPC campaign", "New website promo", "SEO optimization v1", "Webinar, EMEA"]
        let pick = Fixtures.keys(count: rows, seed: seed &+ 40, modulo: 100)
        var strings = ByteArrays(capacity: rows, byteCapacity: rows * 10)
        var validity = [Bool](repeating: true, count: rows)
        for i in 0..<rows {
            if pick[i] < 45 {
                validity[i] = false
                strings.appendEmpty()
            } else {
                strings.append(Array(events[Int(pick[i]) % events.count].utf8))
            }
        }
        fields.append(Field("events", .string))
        columns.append(Column(type: .string, values: .bytes(strings), validity: validity))
        return RecordBatch(schema: Schema(fields), columns: columns)
    }

    /// `offset ..< offset + rows` as Int32 days, shuffled by a seeded Fisher–Yates.
    public static func shuffledDays(rows: Int, offset: Int, seed: UInt64) -> [Int32] {
        var days = (0..<rows).map { Int32(offset + $0) }
        let random = Fixtures.keys(count: rows, seed: seed &+ 100)
        for i in stride(from: rows - 1, to: 0, by: -1) {
            let j = Int(UInt64(bitPattern: random[i]) % UInt64(i + 1))
            days.swapAt(i, j)
        }
        return days
    }
}
