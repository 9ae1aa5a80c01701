import Foundation

extension JobStateStore {
    /// The persisted cursor of an S3 listing watch: where the scan in progress continues and what was announced.
    public struct ArrivalCursor: Sendable, Hashable {
        /// The next listing page starts after this key; `nil` to start a scan from the beginning.
        public var startAfter: String?
        /// The uploads already announced.
        public var announced: Set<S3ArrivalStateMachine.Upload>
    }

    /// The cursor of the watch of `source` (an `s3://bucket/prefix` URL); empty when it never ran.
    public func arrivalCursor(source: String) throws -> ArrivalCursor {
        try database.withLock { database in
            let start = try database.query(
                "SELECT start_after FROM arrival_cursors WHERE source = ?1",
                [.text(source)]
            )
            let rows = try database.query(
                "SELECT key, etag, last_modified FROM arrivals_announced WHERE source = ?1",
                [.text(source)]
            )
            var announced = Set<S3ArrivalStateMachine.Upload>()
            for row in rows {
                guard row.count == 3, case .text(let key) = row[0], case .text(let eTag) = row[1],
                    case .text(let lastModified) = row[2]
                else {
                    throw SQLiteError(path: path, operation: "read arrivals", code: 11, message: "malformed row \(row)")
                }
                announced.insert(.init(key: key, eTag: eTag, lastModified: lastModified.isEmpty ? nil : lastModified))
            }
            var startAfter: String?
            if case .text(let key)? = start.first?.first { startAfter = key }
            return ArrivalCursor(startAfter: startAfter, announced: announced)
        }
    }

    /// Records where the scan of `source` continues (`nil`: from the start).
    public func saveArrivalCursor(source: String, startAfter: String?, at date: Date = Date()) throws {
        _ = try database.withLock { database in
            try database.run(
                """
                INSERT INTO arrival_cursors (source, start_after, updated_at) VALUES (?1, ?2, ?3)
                ON CONFLICT (source) DO UPDATE SET start_after = excluded.start_after, updated_at = excluded.updated_at
                """,
                [.text(source), startAfter.map { .text($0) } ?? .null, .text(Self.format(date))]
            )
        }
    }

    /// Records that `arrival` (the upload `upload`) of `source` was announced, with its outcome.
    public func recordAnnounced(
        source: String,
        upload: S3ArrivalStateMachine.Upload,
        arrival: S3ObjectArrival,
        outcome: S3ArrivalStateMachine.Outcome,
        at date: Date = Date()
    ) throws {
        _ = try database.withLock { database in
            try database.run(
                """
                INSERT OR REPLACE INTO arrivals_announced
                    (source, key, etag, last_modified, activity_arn, size, outcome, announced_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                """,
                [
                    .text(source), .text(upload.key), .text(upload.eTag), .text(upload.lastModified ?? ""),
                    .text(arrival.activityArn), .integer(arrival.size), .text(outcome.rawValue),
                    .text(Self.format(date)),
                ]
            )
        }
    }
}
