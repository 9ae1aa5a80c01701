extension AWSBlocking {
    /// Starts `body` on the dedicated executor without waiting for it: the fire-and-forget half of ``run(_:)``, for
    /// synchronous code that starts requests ahead of the reads (or uploads behind the writes) that need them.
    public static func spawn(_ body: @Sendable @escaping () async -> Void) {
        Task(executorPreference: ThreadPoolTaskExecutor.shared) { await body() }
    }
}
