/// How failed calls are retried: throttling, HTTP 5xx and network errors get up to ``maxAttempts`` attempts in
/// all, sleeping `random(0...1) × min(2^i × baseDelay, maxDelay)` before retry `i` (exponential backoff with full
/// jitter). Other errors are never retried.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, including the first (at least 1).
    public var maxAttempts: Int
    /// The backoff before the first retry, before jitter.
    public var baseDelay: Duration
    /// The cap on one backoff, before jitter.
    public var maxDelay: Duration

    /// Creates a policy.
    public init(maxAttempts: Int = 5, baseDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(20)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Five attempts, 1 s base, 20 s cap.
    public static let `default` = RetryPolicy()
    /// A single attempt.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The cap for the sleep before retry `retry` (0 for the first retry), before jitter: `min(2^retry × base, max)`.
    public func backoffCap(forRetry retry: Int) -> Duration {
        let factor = 1 << min(max(retry, 0), 30)
        let scaled = baseDelay * factor
        return scaled < maxDelay ? scaled : maxDelay
    }

    /// The sleep before retry `retry`: a uniformly random fraction of ``backoffCap(forRetry:)``.
    public func delay<G: RandomNumberGenerator>(forRetry retry: Int, using generator: inout G) -> Duration {
        backoffCap(forRetry: retry) * Double.random(in: 0...1, using: &generator)
    }

    /// The sleep before retry `retry`, with the system's random numbers.
    public func delay(forRetry retry: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(forRetry: retry, using: &generator)
    }
}
