import TestSupport

/// Deterministic test inputs of several shapes: random bytes, CSV-like text, and repetitive data.
enum Samples {
    /// The sizes every interop test covers: empty, one byte, around the 60-byte literal boundary, just over one
    /// 64 KiB Snappy fragment, and 1 MiB.
    static let sizes = [0, 1, 60, 65_536 + 7, 1 << 20]

    enum Kind: String, CaseIterable {
        case random
        case text
        case repetitive
    }

    static func make(_ kind: Kind, count: Int, seed: UInt64 = 42) -> [UInt8] {
        var generator = SeededGenerator(seed: seed &+ UInt64(count))
        switch kind {
        case .random:
            return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        case .text:
            return csvLike(count: count, generator: &generator)
        case .repetitive:
            var bytes = [UInt8]()
            bytes.reserveCapacity(count)
            while bytes.count < count {
                let run = Int(generator.next() % 300) + 1
                let period = Int(generator.next() % 9) + 1
                let pattern = (0..<period).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                for index in 0..<min(run, count - bytes.count) { bytes.append(pattern[index % period]) }
            }
            return bytes
        }
    }

    /// Lines like `1234,2024-03-01,Widget 17,EU-West,42.50,true` until `count` bytes.
    static func csvLike(count: Int, generator: inout SeededGenerator) -> [UInt8] {
        let products = ["Widget", "Gadget", "Sprocket", "Doohickey", "Gizmo", "Thingamajig"]
        let regions = ["EU-West", "EU-North", "US-East", "US-West", "AP-South"]
        var bytes = [UInt8]()
        bytes.reserveCapacity(count + 100)
        var row = 0
        while bytes.count < count {
            let product = products[Int(generator.next() % UInt64(products.count))]
            let region = regions[Int(generator.next() % UInt64(regions.count))]
            let day = Int(generator.next() % 28) + 1
            let cents = generator.next() % 100_000
            let line =
                "\(row),2024-03-\(day < 10 ? "0" : "")\(day),\(product) \(generator.next() % 50),\(region),"
                + "\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100),\(generator.next() % 2 == 0)\n"
            bytes.append(contentsOf: line.utf8)
            row += 1
        }
        return Array(bytes.prefix(count))
    }
}
