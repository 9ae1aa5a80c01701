import Foundation
import GRDB

/// `JobRun` as a row of the `runs` table: the columns are its ``JobRun/CodingKeys``, timestamps are stored as
/// ``Timestamp`` text (`2026-11-26T06:24:06.870Z`) and the state as its raw value.
extension JobRun: FetchableRecord, PersistableRecord {
    /// The table.
    public static let databaseTableName = "runs"

    /// Timestamps as ISO 8601 text with milliseconds, in UTC.
    public static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .custom { Timestamp.format($0) }
    }

    /// Timestamps from ISO 8601 text, with or without fractional seconds.
    public static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .custom { value in String.fromDatabaseValue(value).flatMap(Timestamp.parse) }
    }

    /// The columns the store filters and orders by.
    public enum Columns {
        /// `state`.
        public static let state = Column(CodingKeys.state)
        /// `activity_arn`.
        public static let activityArn = Column(CodingKeys.activityArn)
        /// `started_at`.
        public static let startedAt = Column(CodingKeys.startedAt)
        /// `heartbeat_at`.
        public static let heartbeatAt = Column(CodingKeys.heartbeatAt)
    }
}

/// The state is stored as its raw value (`RUNNING`, `SUCCEEDED`, `FAILED`).
extension JobRun.State: DatabaseValueConvertible {}
