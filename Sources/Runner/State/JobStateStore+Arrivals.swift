import Foundation
import GRDB

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
        try read("read the arrival cursor of \(source)") { database in
            let startAfter = try String.fetchOne(
                database,
                sql: "SELECT start_after FROM arrival_cursors WHERE source = ?",
                arguments: [source]
            )
            var announced = Set<S3ArrivalStateMachine.Upload>()
            let rows = try Row.fetchCursor(
                database,
                sql: "SELECT key, etag, last_modified FROM arrivals_announced WHERE source = ?",
                arguments: [source]
            )
            while let row = try rows.next() {
                let lastModified: String = try row.decode(forColumn: "last_modified")
                announced.insert(
                    .init(
                        key: try row.decode(forColumn: "key"),
                        eTag: try row.decode(forColumn: "etag"),
                        lastModified: lastModified.isEmpty ? nil : lastModified
                    )
                )
            }
            return ArrivalCursor(startAfter: startAfter, announced: announced)
        }
    }

    /// Records where the scan of `source` continues (`nil`: from the start).
    public func saveArrivalCursor(source: String, startAfter: String?, at date: Date = Date()) throws {
        try write("save the arrival cursor of \(source)") { database in
            try database.execute(
                sql: """
                    INSERT INTO arrival_cursors (source, start_after, updated_at) VALUES (:source, :startAfter, :at)
                    ON CONFLICT (source) DO UPDATE SET start_after = excluded.start_after, updated_at = excluded.updated_at
                    """,
                arguments: ["source": source, "startAfter": startAfter, "at": Self.format(date)]
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
        try write("record the announcement of \(arrival.url)") { database in
            try database.execute(
                sql: """
                    INSERT OR REPLACE INTO arrivals_announced
                        (source, key, etag, last_modified, activity_arn, size, outcome, announced_at)
                    VALUES (:source, :key, :etag, :lastModified, :activityArn, :size, :outcome, :at)
                    """,
                arguments: [
                    "source": source, "key": upload.key, "etag": upload.eTag, "lastModified": upload.lastModified ?? "",
                    "activityArn": arrival.activityArn, "size": arrival.size, "outcome": outcome.rawValue,
                    "at": Self.format(date),
                ]
            )
        }
    }
}
