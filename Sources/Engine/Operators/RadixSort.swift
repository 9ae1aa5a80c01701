/// LSD radix sort of `UInt64` keys whose significant bits are the low `bits` bits. Sorts `keys` in place,
/// using `scratch` (same size) as the second buffer.
func radixSort(_ keys: UnsafeMutableBufferPointer<UInt64>, scratch: UnsafeMutableBufferPointer<UInt64>, bits: Int) {
    let n = keys.count
    guard n > 1, bits > 0 else { return }
    let passes = (bits + 10) / 11
    let digitBits = (bits + passes - 1) / passes
    let radix = 1 << digitBits
    let mask = UInt64(radix - 1)
    // All histograms in one read pass.
    var histograms = [Int](repeating: 0, count: radix * passes)
    histograms.withUnsafeMutableBufferPointer { h in
        for i in 0..<n {
            let key = keys[i]
            for p in 0..<passes {
                h[p * radix + Int((key >> UInt64(p * digitBits)) & mask)] += 1
            }
        }
        var source = keys
        var destination = scratch
        for p in 0..<passes {
            let histogram = UnsafeMutableBufferPointer(rebasing: h[(p * radix)..<((p + 1) * radix)])
            // A pass where every key has the same digit changes nothing.
            if histogram.contains(n) { continue }
            var sum = 0
            for d in 0..<radix {
                let c = histogram[d]
                histogram[d] = sum
                sum += c
            }
            let shift = UInt64(p * digitBits)
            for i in 0..<n {
                let key = source[i]
                let d = Int((key >> shift) & mask)
                destination[histogram[d]] = key
                histogram[d] += 1
            }
            swap(&source, &destination)
        }
        if source.baseAddress != keys.baseAddress {
            keys.baseAddress!.update(from: source.baseAddress!, count: n)
        }
    }
}

/// Merges the sorted runs `a` and `b` into `output` (`a.count + b.count` slots), taking from `a` on ties.
func mergeSorted<T>(
    _ a: UnsafeBufferPointer<T>,
    _ b: UnsafeBufferPointer<T>,
    into output: UnsafeMutableBufferPointer<T>,
    by areInIncreasingOrder: (T, T) -> Bool
) {
    var i = 0
    var j = 0
    var k = 0
    while i < a.count && j < b.count {
        if areInIncreasingOrder(b[j], a[i]) {
            output[k] = b[j]
            j += 1
        } else {
            output[k] = a[i]
            i += 1
        }
        k += 1
    }
    while i < a.count {
        output[k] = a[i]
        i += 1
        k += 1
    }
    while j < b.count {
        output[k] = b[j]
        j += 1
        k += 1
    }
}
