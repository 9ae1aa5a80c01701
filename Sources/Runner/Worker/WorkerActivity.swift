/// One activity an ``ActivityWorker`` polls, and what its tasks ask for.
///
/// A worker serves several at once (the seed has a Glue runner and an Athena runner): one poller each, one pool of
/// ``WorkerConfiguration/concurrency`` runs shared by all, one job state in which each run records the activity
/// it came from.
public struct WorkerActivity: Sendable, Hashable {
    /// What an activity's tasks ask for.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Jobs, as the seed's Glue runner runs them: `{"GlueJobName": ...}` or `{"job": ...}` (see
        /// ``JobInvocation``).
        case glue
        /// SQL queries, as the seed's Athena runner runs them: `{"AthenaQueryString": ...}` (see
        /// ``AthenaQueryRequest``).
        case athena

        /// The `error` of `SendTaskFailure` the seed's runner of this kind sends (and its state machines catch).
        public var defaultErrorName: String {
            switch self {
            case .glue: "GlueJobFailedError"
            case .athena: "AthenaQueryFailedError"
            }
        }
    }

    /// The activity's ARN.
    public var arn: String
    /// What its tasks ask for.
    public var kind: Kind
    /// The `error` of its `SendTaskFailure`.
    public var errorName: String

    /// An activity of `kind`, failing tasks with `errorName` (by default the seed's name for the kind).
    public init(arn: String, kind: Kind = .glue, errorName: String? = nil) {
        self.arn = arn
        self.kind = kind
        self.errorName = errorName ?? kind.defaultErrorName
    }
}
