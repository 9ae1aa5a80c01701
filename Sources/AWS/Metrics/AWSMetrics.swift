import Metrics

/// The AWS calls every client records through swift-metrics (a no-op until a program bootstraps a backend, as
/// `sluice worker --http-port` and `--metrics-file` do with Prometheus):
///
/// | Metric | Type | Dimensions |
/// |---|---|---|
/// | `sluice_aws_requests_total` | counter: every HTTP request sent, retries included | `service`, `operation` |
/// | `sluice_aws_bytes_total` | counter: body bytes sent and received | `service`, `operation`, `direction` |
/// | `sluice_aws_retries_total` | counter: attempts given up and tried again | `service`, `operation`, `cause` |
///
/// `service` is the signing name (`s3`, `states`, `sqs`); `operation` the API action (`PutObject`,
/// `GetActivityTask`); `cause` the client's error code that made the call retry (S3: `SlowDown`, `network`; Step Functions and
/// SQS: `ThrottlingException`, `NetworkError`).
public enum AWSMetrics {
    /// Records one HTTP request about to be sent.
    public static func requestSent(service: String, operation: String) {
        Counter(label: "sluice_aws_requests_total", dimensions: [("service", service), ("operation", operation)])
            .increment()
    }

    /// Records `count` body bytes sent or received (`direction` is `sent` or `received`).
    public static func bytes(service: String, operation: String, direction: String, count: Int) {
        guard count > 0 else { return }
        Counter(
            label: "sluice_aws_bytes_total",
            dimensions: [("service", service), ("operation", operation), ("direction", direction)]
        ).increment(by: count)
    }

    /// Records one retry of `operation` after a failure with the code `cause`.
    public static func retried(service: String, operation: String, cause: String) {
        Counter(
            label: "sluice_aws_retries_total",
            dimensions: [("service", service), ("operation", operation), ("cause", cause)]
        ).increment()
    }
}
