import CSQLite
import Foundation

/// A failed SQLite call: the database file, what was being done, and SQLite's own message.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The database file.
    public var path: String
    /// What was being done, e.g. `open` or the SQL statement.
    public var operation: String
    /// SQLite's result code.
    public var code: Int32
    /// SQLite's message.
    public var message: String

    /// E.g. `output/sluice.sqlite: open: unable to open database file (code 14)`.
    public var description: String { "\(path): \(operation): \(message) (code \(code))" }
}

/// A thin, synchronous layer over the SQLite C API: one connection, prepared statements, text and integer columns.
///
/// Not thread-safe by itself; ``JobStateStore`` serialises access with a lock.
final class SQLiteDatabase {
    /// A bindable or readable value.
    enum Value: Sendable, Equatable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
    }

    let path: String
    private var handle: OpaquePointer?

    /// Opens (creating if needed) the database at `path`.
    init(path: String) throws {
        self.path = path
        var connection: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &connection, flags, nil)
        guard status == SQLITE_OK, let connection else {
            let message =
                connection.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_close(connection)
            throw SQLiteError(path: path, operation: "open", code: status, message: message)
        }
        handle = connection
        // Several processes (a worker and `sluice jobs`) may use the file at once: wait for locks a while.
        sqlite3_busy_timeout(connection, 5_000)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements without parameters or results.
    func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if status != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_free(errorMessage)
            throw SQLiteError(path: path, operation: sql, code: status, message: message)
        }
    }

    /// Runs a statement with `parameters` bound to `?1`, `?2`, …; returns the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ parameters: [Value] = []) throws -> Int {
        try withStatement(sql, parameters) { statement in
            let status = sqlite3_step(statement)
            guard status == SQLITE_DONE || status == SQLITE_ROW else { throw error(sql, status) }
        }
        return Int(sqlite3_changes(handle))
    }

    /// Runs a query and returns its rows, each as its column values in order.
    func query(_ sql: String, _ parameters: [Value] = []) throws -> [[Value]] {
        try withStatement(sql, parameters) { statement in
            var rows: [[Value]] = []
            while true {
                let status = sqlite3_step(statement)
                if status == SQLITE_DONE { break }
                guard status == SQLITE_ROW else { throw error(sql, status) }
                let count = sqlite3_column_count(statement)
                var row: [Value] = []
                row.reserveCapacity(Int(count))
                for column in 0..<count {
                    switch sqlite3_column_type(statement, column) {
                    case SQLITE_INTEGER: row.append(.integer(sqlite3_column_int64(statement, column)))
                    case SQLITE_FLOAT: row.append(.real(sqlite3_column_double(statement, column)))
                    case SQLITE_NULL: row.append(.null)
                    default:
                        if let text = sqlite3_column_text(statement, column) {
                            row.append(.text(String(cString: text)))
                        } else {
                            row.append(.null)
                        }
                    }
                }
                rows.append(row)
            }
            return rows
        }
    }

    private func withStatement<T>(_ sql: String, _ parameters: [Value], _ body: (OpaquePointer) throws -> T) throws -> T
    {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard status == SQLITE_OK, let statement else { throw error(sql, status) }
        defer { sqlite3_finalize(statement) }
        for (offset, parameter) in parameters.enumerated() {
            let index = Int32(offset + 1)
            let bound: Int32
            switch parameter {
            case .null: bound = sqlite3_bind_null(statement, index)
            case .integer(let value): bound = sqlite3_bind_int64(statement, index, value)
            case .real(let value): bound = sqlite3_bind_double(statement, index, value)
            case .text(let value): bound = sqlite3_bind_text(statement, index, value, -1, Self.transient)
            }
            guard bound == SQLITE_OK else { throw error(sql, bound) }
        }
        return try body(statement)
    }

    private func error(_ sql: String, _ status: Int32) -> SQLiteError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
        return SQLiteError(path: path, operation: sql, code: status, message: message)
    }

    /// `SQLITE_TRANSIENT`: SQLite copies bound text before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
