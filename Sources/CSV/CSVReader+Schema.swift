import Columnar
import Storage

extension CSVReader {
    /// Date patterns inference tries, in order.
    static let inferredDateFormats = ["M/d/yyyy", "yyyy-MM-dd", "d/M/yyyy", "d.M.yyyy", "yyyy/M/d"]
    /// Timestamp patterns inference tries, in order.
    static let inferredTimestampFormats = [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "M/d/yyyy H:mm:ss",
        "M/d/yyyy H:mm",
    ]

    /// Infers the type of every column from the first `sampleRows` rows.
    ///
    /// Each column gets the first type that parses every non-empty sampled value: `int64`, `double`, `boolean`
    /// (words only; `0`/`1` columns are `int64`), a date (`M/d/yyyy`, `yyyy-MM-dd`, `d/M/yyyy`, `d.M.yyyy`,
    /// `yyyy/M/d`), a timestamp (`yyyy-MM-dd HH:mm:ss`, the same with `T`, without seconds, `M/d/yyyy H:mm:ss`,
    /// `M/d/yyyy H:mm`), else `string(emptyIsNull: true)`. A column with no value in the sample is a string. Sampled
    /// rows with the wrong number of fields are ignored.
    ///
    /// - Returns: Every column of the file, in file order, named as in the header (`column1`, … without one).
    public static func inferSchema(
        path: String,
        sampleRows: Int = 10_000,
        options: CSVOptions = CSVOptions()
    ) throws -> [CSVColumn] {
        try inferSchema(name: path, open: { try LocalSequentialFileSource(path: path) }, sampleRows, options)
    }

    /// Infers the type of every column from the first `sampleRows` rows of `source`, as
    /// ``inferSchema(path:sampleRows:options:)`` does; only the sampled part of the source is read.
    ///
    /// - Returns: Every column of the file, in file order, named as in the header (`column1`, … without one).
    public static func inferSchema(
        source: any SequentialByteSource,
        sampleRows: Int = 10_000,
        options: CSVOptions = CSVOptions()
    ) throws -> [CSVColumn] {
        try inferSchema(name: source.name, open: { source }, sampleRows, options)
    }

    private static func inferSchema(
        name: String,
        open: () throws -> any SequentialByteSource,
        _ sampleRows: Int,
        _ options: CSVOptions
    ) throws -> [CSVColumn] {
        var sampling = options
        sampling.onError = .reject
        sampling.threads = 1
        sampling.chunkSize = min(options.chunkSize, 1 << 20)
        sampling.batchSize = max(1, min(options.batchSize, sampleRows))
        let reader = try CSVReader(name: name, options: sampling, open: open) { header, count in
            let names = header ?? (0..<(count ?? 0)).map { "column\($0 + 1)" }
            var layout = Layout(
                names: names,
                conversions: names.map { _ in .string(emptyIsNull: true) },
                slots: Array(names.indices),
                columns: names.map { CSVColumn(name: $0, type: .string(emptyIsNull: true)) }
            )
            layout.raw = true
            return layout
        }
        var samples: [[ByteArrays]] = Array(repeating: [], count: reader.header.count)
        var sampled = 0
        while sampled < sampleRows, let batch = try reader.next() {
            for (i, column) in batch.columns.enumerated() {
                guard case .bytes(let values) = column.values else { continue }
                samples[i].append(values)
            }
            sampled += batch.count
        }
        return zip(reader.header, samples).map { name, chunks in
            CSVColumn(name: name, type: inferType(chunks, limit: sampleRows, options: reader.options))
        }
    }

    /// The first type every non-empty value (of the first `limit`) parses as.
    static func inferType(_ chunks: [ByteArrays], limit: Int, options: CSVOptions = CSVOptions()) -> CSVColumnType {
        let customNumbers = options.decimalSeparator != UInt8(ascii: ".") || options.thousandsSeparator != nil
        let numberScratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
        defer { numberScratch.deallocate() }
        var candidates: [CSVColumnType] = [.int64, .double, .boolean]
        candidates += inferredDateFormats.map { .date(format: $0) }
        candidates += inferredTimestampFormats.map { .timestamp(format: $0) }
        var formats: [String: DateTimeFormat] = [:]
        for candidate in candidates {
            switch candidate {
            case .date(let pattern): formats[pattern] = try? DateTimeFormat(pattern, allowsTime: false)
            case .timestamp(let pattern): formats[pattern] = try? DateTimeFormat(pattern, allowsTime: true)
            default: break
            }
        }
        var alive = candidates
        var anyValue = false
        var seen = 0
        outer: for chunk in chunks {
            chunk.data.withUnsafeBufferPointer { data in
                let base = data.baseAddress ?? UnsafePointer(bitPattern: 1)!
                for i in 0..<chunk.count {
                    if seen >= limit { break }
                    seen += 1
                    let range = chunk.range(at: i)
                    if range.isEmpty { continue }
                    anyValue = true
                    let start = base + range.lowerBound
                    let end = base + range.upperBound
                    alive.removeAll { candidate in
                        switch candidate {
                        case .int64:
                            return ByteParsing.int64(
                                start,
                                end,
                                thousands: options.thousandsSeparator ?? 0,
                                scratch: numberScratch
                            ) == nil
                        case .double:
                            if customNumbers {
                                return ByteParsing.double(
                                    start,
                                    end,
                                    decimal: options.decimalSeparator,
                                    thousands: options.thousandsSeparator ?? 0,
                                    scratch: numberScratch
                                ) == nil
                            }
                            return ByteParsing.double(start, end) == nil
                        case .boolean:
                            return end - start < 2 || ByteParsing.boolean(start, end) == nil
                        case .date(let pattern), .timestamp(let pattern):
                            let format = formats[pattern]!
                            var days = 0
                            return DateTimeFormat.parse(format.ops, format.count, start, end, days: &days) == nil
                        case .string:
                            return false
                        }
                    }
                    if alive.isEmpty { break }
                }
            }
            if alive.isEmpty || seen >= limit { break outer }
        }
        guard anyValue, let first = alive.first else { return .string(emptyIsNull: true) }
        return first
    }

    /// Resolves given columns, projection and inference into the reader's layout.
    static func layout(
        path: String,
        header: [String]?,
        firstRowCount: Int?,
        given: [CSVColumn]?,
        projection: [String]?,
        options: CSVOptions,
        infer: () throws -> [CSVColumn]
    ) throws -> Layout {
        let names: [String]
        if let header {
            names = header
        } else if let given {
            names = given.map(\.name)
        } else {
            names = (0..<(firstRowCount ?? 0)).map { "column\($0 + 1)" }
        }
        guard !names.isEmpty else {
            throw CSVError(file: path, kind: .invalidOptions("the file is empty and no columns are given"))
        }
        var typeByName: [String: CSVColumnType] = [:]
        for column in given ?? [] {
            guard names.contains(column.name) else {
                throw CSVError(file: path, column: column.name, kind: .unknownColumn)
            }
            typeByName[column.name] = column.type
        }
        let wanted = projection ?? names
        guard !wanted.isEmpty else { throw CSVError(file: path, kind: .invalidOptions("the projection is empty")) }
        guard Set(wanted).count == wanted.count else {
            throw CSVError(file: path, kind: .invalidOptions("the projection names a column twice"))
        }
        for name in wanted where !names.contains(name) {
            throw CSVError(file: path, column: name, kind: .unknownColumn)
        }
        if wanted.contains(where: { typeByName[$0] == nil }) {
            let inferred = try infer()
            for column in inferred where typeByName[column.name] == nil {
                typeByName[column.name] = column.type
            }
        }
        var slots = Array(repeating: -1, count: names.count)
        var conversions: [CSVColumnType?] = Array(repeating: nil, count: names.count)
        var columns: [CSVColumn] = []
        for (slot, name) in wanted.enumerated() {
            let field = names.firstIndex(of: name)!
            let type = typeByName[name] ?? .string(emptyIsNull: true)
            slots[field] = slot
            conversions[field] = type
            columns.append(CSVColumn(name: name, type: type))
        }
        return Layout(names: names, conversions: conversions, slots: slots, columns: columns)
    }
}
