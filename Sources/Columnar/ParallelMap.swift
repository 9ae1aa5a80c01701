import Dispatch

/// `items.map(transform)`, spread over the cores when `work` (rows touched) is large enough to pay for it.
/// Results keep the order of `items`.
public func parallelMap<T, R>(_ items: [T], work: Int, _ transform: (T) -> R) -> [R] {
    if items.count < 2 || work < 16_384 { return items.map(transform) }
    let results = UnsafeMutableBufferPointer<R?>.allocate(capacity: items.count)
    results.initialize(repeating: nil)
    defer { results.deallocate() }
    withoutActuallyEscaping(transform) { transform in
        nonisolated(unsafe) let transform = transform
        nonisolated(unsafe) let results = results
        nonisolated(unsafe) let items = items
        DispatchQueue.concurrentPerform(iterations: items.count) { i in
            results[i] = transform(items[i])
        }
    }
    let mapped = results.map { $0! }
    _ = results.deinitialize()
    return mapped
}
