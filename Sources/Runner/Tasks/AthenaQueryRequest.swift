import Foundation

/// What an Athena-runner task asks for: the seed's Athena runner input.
///
/// `{"AthenaQueryString": "SELECT * FROM marketing_qs limit 10;", "AthenaDatabase": "marketingandsales_qs",
/// "AthenaResultOutputLocation": "s3://bucket/athena-runner-output/", "AthenaResultEncryptionOption": "SSE_S3"}`,
/// also JSON-encoded a second time as a string (the seed's test state machine sends it so). `AthenaNamedQuery`
/// names a saved query instead of `AthenaQueryString` (its text and database come from the catalog).
/// `AthenaResultOutputLocation` is required. `AthenaResultEncryptionOption` (`SSE_S3`, `SSE_KMS` or `CSE_KMS`) and
/// `AthenaResultKmsKey` are accepted and recorded. Keys that do not start with `Athena` are ignored, as the seed's
/// runner ignores them; an unknown `Athena…` key is refused as a likely misspelling.
public struct AthenaQueryRequest: Sendable, Hashable {
    /// The SQL text, unless ``namedQuery`` names it.
    public var queryString: String?
    /// The saved query to run, when the task names one.
    public var namedQuery: String?
    /// The default database of the query (`AthenaDatabase`).
    public var database: String?
    /// Where the result goes: `<outputLocation>/<QueryExecutionId>.csv`, an `s3://` prefix or a local directory.
    public var outputLocation: String
    /// `AthenaResultEncryptionOption`, as given.
    public var encryptionOption: String?
    /// `AthenaResultKmsKey`, as given.
    public var kmsKey: String?

    /// Creates a request.
    public init(
        queryString: String?,
        namedQuery: String? = nil,
        database: String? = nil,
        outputLocation: String,
        encryptionOption: String? = nil,
        kmsKey: String? = nil
    ) {
        self.queryString = queryString
        self.namedQuery = namedQuery
        self.database = database
        self.outputLocation = outputLocation
        self.encryptionOption = encryptionOption
        self.kmsKey = kmsKey
    }

    /// The keys the seed's Athena runner reads.
    static let keys: Set<String> = [
        "AthenaQueryString", "AthenaNamedQuery", "AthenaDatabase", "AthenaResultOutputLocation",
        "AthenaResultEncryptionOption", "AthenaResultKmsKey",
    ]

    /// The encryption options Athena knows.
    static let encryptionOptions: Set<String> = ["SSE_S3", "SSE_KMS", "CSE_KMS"]

    /// Parses a task input (see the type's documentation).
    ///
    /// - Throws: ``TaskInputError`` naming the key that is missing or malformed.
    public init(taskInput: String) throws {
        let object = try JobInvocation.object(taskInput: taskInput)
        if let unknown = object.keys.sorted().first(where: { $0.hasPrefix("Athena") && !Self.keys.contains($0) }) {
            throw TaskInputError(
                reason: #"unknown key "\#(unknown)" (expected "#
                    + Self.keys.sorted().map { "\"\($0)\"" }.joined(
                        separator: ", "
                    ) + ")",
                input: taskInput
            )
        }
        func text(_ key: String, required: Bool = false) throws -> String? {
            guard let value = object[key], !(value is NSNull) else {
                if required { throw TaskInputError(reason: #""\#(key)" is required"#, input: taskInput) }
                return nil
            }
            guard let text = value as? String, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw TaskInputError(reason: #""\#(key)" must be a non-empty string"#, input: taskInput)
            }
            return text
        }
        let named = try text("AthenaNamedQuery")
        let query = try text("AthenaQueryString", required: named == nil)
        if named != nil, query != nil {
            throw TaskInputError(
                reason: #"give "AthenaQueryString" or "AthenaNamedQuery", not both"#,
                input: taskInput
            )
        }
        let encryption = try text("AthenaResultEncryptionOption")
        if let encryption, !Self.encryptionOptions.contains(encryption) {
            throw TaskInputError(
                reason: #""AthenaResultEncryptionOption" must be SSE_S3, SSE_KMS or CSE_KMS, not "\#(encryption)""#,
                input: taskInput
            )
        }
        self.init(
            queryString: query,
            namedQuery: named,
            database: try text("AthenaDatabase"),
            outputLocation: try text("AthenaResultOutputLocation", required: true)!,
            encryptionOption: encryption,
            kmsKey: try text("AthenaResultKmsKey")
        )
    }

    /// The query's execution id for run `runId` (`jr_` and 32 hex digits): those digits as a UUID, the shape of
    /// Athena's ids. A re-run of the same run (after a restart) writes the same result object again.
    public static func queryExecutionId(runId: String) -> String {
        let hex = Array(runId.hasPrefix("jr_") ? runId.dropFirst(3) : Substring(runId))
        guard hex.count == 32, hex.allSatisfy(\.isHexDigit) else { return UUID().uuidString.lowercased() }
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }
        return groups.joined(separator: "-").lowercased()
    }
}
