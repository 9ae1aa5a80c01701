import Columnar

/// Parses a run of complete rows from a byte range straight into columnar batches.
///
/// One parser belongs to one thread; the reader gives each thread a row-aligned part of a chunk. A parser keeps its
/// column storage between runs, so a steady read allocates nothing per row or field.
final class ChunkParser: @unchecked Sendable {
    /// What a bad row did, in the hot loop's compact form.
    enum RowFault: UInt8 {
        case none
        case invalidValue
        case invalidUTF8
        case textAfterQuote
        case unterminatedQuote
        case quoteInUnquoted
    }

    let file: String
    let names: [String]
    let typeNames: [String]
    let fieldCount: Int
    let delimiter: UInt8
    let quote: UInt8
    let rejectsRows: Bool
    let nullPadding: Bool
    let ignoreExtraFields: Bool
    let strict: Bool
    /// Whether doubles use another decimal separator or a thousands separator, and which.
    let customNumbers: Bool
    let decimalSeparator: UInt8
    let thousandsSeparator: UInt8
    private let numberScratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
    let plans: UnsafeMutablePointer<FieldPlan>
    /// Per field: the last date parsed.
    let dateCache: UnsafeMutablePointer<DateCacheEntry>
    /// Per field: whether it is not projected.
    let skipped: UnsafeMutablePointer<Bool>
    /// Per field: how many unprojected fields follow from it on (0 for a projected field).
    let skipRuns: UnsafeMutablePointer<Int>
    let slots: UnsafeMutablePointer<ColumnSlot>
    let slotCount: Int
    let schema: Schema
    let rowCapacity: Int
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int

    // The results of the last `parse` call.
    /// Complete batches, in row order.
    var batches: [RecordBatch] = []
    /// Rejected rows, with line numbers relative to the run's first line.
    var rejects: [CSVRejectedRow] = []
    /// The first bad row when rows are not rejected, with its line relative to the run's first line.
    var failure: CSVError?
    /// Rows seen: emitted plus rejected (not the failing row).
    var rowsSeen = 0
    /// Line feeds consumed.
    var lines = 0
    /// The offset just past the last complete row (or blank line) consumed.
    var consumed = 0

    init(
        file: String,
        names: [String],
        typeNames: [String],
        plans: [FieldPlan],
        slotTypes: [(DataType, FieldPlan.Conversion)],
        schema: Schema,
        options: CSVOptions
    ) {
        self.file = file
        self.names = names
        self.typeNames = typeNames
        fieldCount = plans.count
        delimiter = options.delimiter
        quote = options.quote
        rejectsRows = options.onError == .reject
        nullPadding = options.nullPadding
        ignoreExtraFields = options.ignoreExtraFields
        strict = options.strict
        decimalSeparator = options.decimalSeparator
        thousandsSeparator = options.thousandsSeparator ?? 0
        customNumbers = decimalSeparator != UInt8(ascii: ".") || thousandsSeparator != 0
        self.plans = .allocate(capacity: max(plans.count, 1))
        self.plans.initialize(from: plans, count: plans.count)
        dateCache = .allocate(capacity: max(plans.count, 1))
        dateCache.initialize(repeating: DateCacheEntry(), count: max(plans.count, 1))
        skipped = .allocate(capacity: max(plans.count, 1))
        skipped.initialize(from: plans.map { $0.conversion == .skip }, count: plans.count)
        skipRuns = .allocate(capacity: max(plans.count, 1))
        var run = 0
        for field in plans.indices.reversed() {
            run = plans[field].conversion == .skip ? run + 1 : 0
            (skipRuns + field).initialize(to: run)
        }
        rowCapacity = max(1, options.batchSize)
        slotCount = slotTypes.count
        slots = .allocate(capacity: max(slotCount, 1))
        for (i, (type, conversion)) in slotTypes.enumerated() {
            (slots + i).initialize(to: ColumnSlot(type: type, conversion: conversion, rowCapacity: rowCapacity))
        }
        self.schema = schema
        scratchCapacity = 256
        scratch = .allocate(capacity: scratchCapacity)
    }

    deinit {
        for i in 0..<slotCount { slots[i].deallocate() }
        slots.deinitialize(count: slotCount)
        slots.deallocate()
        plans.deinitialize(count: fieldCount)
        plans.deallocate()
        skipped.deallocate()
        skipRuns.deallocate()
        dateCache.deallocate()
        scratch.deallocate()
        numberScratch.deallocate()
    }

    /// Parses the rows of `[from, to)` of `base`. When `isFinal` is false, a row that runs past `to` is left for
    /// later: `consumed` stops before it. Line numbers in the results count from 0 at `from`.
    func parse(_ base: UnsafePointer<UInt8>, from: Int, to: Int, isFinal: Bool) {
        batches.removeAll(keepingCapacity: true)
        rejects.removeAll()
        failure = nil
        let end = base + to
        var p = base + from
        var committed = p
        var line = 0
        var rows = 0
        var seen = 0
        let delimiter = self.delimiter
        let quote = self.quote
        let fieldCount = self.fieldCount
        let strict = self.strict
        let plans = self.plans
        let skipped = self.skipped
        let lf = UInt8(ascii: "\n")
        let cr = UInt8(ascii: "\r")
        let delimiterMask = ByteParsing.broadcast(delimiter)
        let lfMask = ByteParsing.broadcast(lf)

        /// The first delimiter or line feed at or after `start`, or `end`.
        @inline(__always) func fieldEnd(_ start: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
            var q = start
            while end - q >= 8 {
                let word = ByteParsing.load(q)
                let m = ByteParsing.firstMatch(word, delimiterMask) | ByteParsing.firstMatch(word, lfMask)
                if m != 0 { return q + (m.trailingZeroBitCount >> 3) }
                q += 8
            }
            while q < end && q.pointee != delimiter && q.pointee != lf { q += 1 }
            return q
        }

        /// Steps over up to `count` unquoted fields from `start` (not a quote) that end in a delimiter, eight bytes
        /// at a time, and returns how many it stepped over; `next` is the start of the field after them. It stops
        /// early before a field that starts with a quote, and at a line feed, which it then stores in `lineFeed`:
        /// the field at `next` ends the row there.
        @inline(__always) func skipFields(
            _ start: UnsafePointer<UInt8>,
            _ count: Int,
            next: inout UnsafePointer<UInt8>,
            lineFeed: inout UnsafePointer<UInt8>?
        ) -> Int {
            var q = start
            var fieldStart = start
            var n = 0
            while end - q >= 8 {
                let word = ByteParsing.load(q)
                var m = ByteParsing.exactMatches(word, delimiterMask) | ByteParsing.exactMatches(word, lfMask)
                while m != 0 {
                    let hit = q + (m.trailingZeroBitCount >> 3)
                    if hit.pointee == lf {
                        lineFeed = hit
                        next = fieldStart
                        return n
                    }
                    let after = hit + 1
                    if after == end {
                        next = fieldStart
                        return n
                    }
                    n += 1
                    fieldStart = after
                    if n == count || after.pointee == quote {
                        next = after
                        return n
                    }
                    m &= m &- 1
                }
                q += 8
            }
            next = fieldStart
            return n
        }

        rowLoop: while p < end {
            let rowStart = p
            let rowLine = line
            let first = p.pointee
            if first == lf {
                p += 1
                line += 1
                committed = p
                continue
            }
            if first == cr {
                if p + 1 < end {
                    if p[1] == lf {
                        p += 2
                        line += 1
                        committed = p
                        continue
                    }
                } else if !isFinal {
                    break rowLoop
                } else {
                    p += 1
                    committed = p
                    continue
                }
            }
            var field = 0
            var fault = RowFault.none
            var faultField = 0
            var faultStart = p
            var faultEnd = p
            var innerLines = 0
            var rowEnd = p
            while true {
                // Unprojected, unquoted fields are only stepped over.
                if field < fieldCount && skipped[field] && p < end && p.pointee != quote {
                    var next = p
                    var lineFeed: UnsafePointer<UInt8>? = nil
                    let n = skipFields(p, skipRuns[field], next: &next, lineFeed: &lineFeed)
                    field += n
                    p = next
                    if let lineFeed {
                        // The last field read is unprojected too: the row ends at the line feed.
                        rowEnd = lineFeed
                        p = lineFeed + 1
                        line += 1
                        break
                    }
                    if n > 0 { continue }
                }
                var fs: UnsafePointer<UInt8>
                var fe: UnsafePointer<UInt8>
                var quoted = false
                var escaped = false
                var converted = false
                if p < end && p.pointee == quote {
                    quoted = true
                    var q = p + 1
                    while true {
                        q = ByteParsing.find(quote, q, end)
                        if q == end {
                            if !isFinal { break rowLoop }
                            innerLines += ByteParsing.count(lf, p + 1, end)
                            if fault == .none {
                                fault = .unterminatedQuote
                                faultField = field
                                faultStart = p
                                faultEnd = p
                            }
                            break
                        }
                        if q + 1 < end {
                            if q[1] == quote {
                                escaped = true
                                q += 2
                                continue
                            }
                        } else if !isFinal {
                            break rowLoop
                        }
                        break
                    }
                    if q == end {
                        // Unterminated at the end of the file: the row is the rest of the file.
                        p = end
                        rowEnd = end
                        break
                    }
                    fs = p + 1
                    fe = q
                    p = q + 1
                    innerLines += ByteParsing.count(lf, fs, fe)
                    if p < end {
                        let c = p.pointee
                        if c != delimiter && c != lf {
                            if c == cr && p + 1 < end && p[1] == lf {
                                p += 1
                            } else if c == cr && p + 1 == end {
                                if !isFinal { break rowLoop }
                                p += 1
                            } else {
                                let q2 = fieldEnd(p)
                                if q2 == end && !isFinal { break rowLoop }
                                if fault == .none {
                                    fault = .textAfterQuote
                                    faultField = field
                                    faultStart = fs - 1
                                    faultEnd = q2
                                }
                                p = q2
                            }
                        }
                    }
                } else {
                    // Integers and dates are parsed while their end is found; anything unusual takes the general path.
                    if field < fieldCount && fault == .none {
                        let plan = plans[field]
                        var stop = p
                        if plan.conversion == .int64 {
                            if let value = ByteParsing.int64Prefix(p, end, stop: &stop), stop < end,
                                stop.pointee == delimiter || stop.pointee == lf
                            {
                                let slot = slots + plan.slot
                                slot.pointee.values.storeBytes(of: value, toByteOffset: rows &* 8, as: Int64.self)
                                slot.pointee.validity[rows] = true
                                converted = true
                                p = stop
                            }
                        } else if plan.conversion == .date {
                            var days = 0
                            var parsed = false
                            let cache = dateCache + field
                            let cachedLength = cache.pointee.length
                            if cachedLength > 0 && end - p >= 16 {
                                // Dates repeat in runs: the same bytes as last time give the same day.
                                let w0 = ByteParsing.load(p) & cache.pointee.mask0
                                let w1 = ByteParsing.load(p + 8) & cache.pointee.mask1
                                if w0 == cache.pointee.word0 && w1 == cache.pointee.word1 {
                                    let t = p[cachedLength]
                                    if t == delimiter || t == lf {
                                        parsed = true
                                        days = cache.pointee.days
                                        stop = p + cachedLength
                                    }
                                }
                            }
                            if !parsed, let simple = plan.simpleDate {
                                let result = DateTimeFormat.parseSimple(simple, p, end, stop: &stop)
                                days = result ?? 0
                                parsed = result != nil
                            } else if !parsed {
                                parsed =
                                    DateTimeFormat.parsePrefix(
                                        plan.format!,
                                        plan.formatCount,
                                        p,
                                        end,
                                        days: &days,
                                        stop: &stop
                                    ) != nil
                            }
                            if parsed, stop > p, stop < end, stop.pointee == delimiter || stop.pointee == lf,
                                let value = Int32(exactly: days)
                            {
                                cache.pointee.remember(p, length: stop - p, days: days, available: end - p)
                                let slot = slots + plan.slot
                                slot.pointee.values.storeBytes(of: value, toByteOffset: rows &* 4, as: Int32.self)
                                slot.pointee.validity[rows] = true
                                converted = true
                                p = stop
                            }
                        }
                    }
                    if converted {
                        fs = p
                        fe = p
                    } else {
                        let q = fieldEnd(p)
                        if q == end && !isFinal { break rowLoop }
                        fs = p
                        fe = q
                        if fe > fs && (fe - 1).pointee == cr && (q == end || q.pointee == lf) { fe -= 1 }
                        p = q
                    }
                }
                if field < fieldCount && fault == .none && !converted {
                    let plan = plans[field]
                    if strict && !quoted && ByteParsing.find(quote, fs, fe) != fe {
                        fault = .quoteInUnquoted
                        faultField = field
                        faultStart = fs
                        faultEnd = fe
                    } else if plan.conversion != .skip {
                        let result = convert(plan, rows, fs, fe, quoted: quoted, escaped: escaped)
                        if result != .none {
                            fault = result
                            faultField = field
                            faultStart = fs
                            faultEnd = fe
                        }
                    }
                }
                if p < end && p.pointee == delimiter {
                    field += 1
                    p += 1
                    continue
                }
                rowEnd = p
                if p < end {
                    p += 1
                    line += 1
                }
                break
            }
            line += innerLines
            seen += 1
            committed = p
            let found = field + 1
            if fault != .none || (found != fieldCount && !tolerate(found, rows)) {
                var contentEnd = rowEnd
                if contentEnd > rowStart && (contentEnd - 1).pointee == cr { contentEnd -= 1 }
                let error = makeError(
                    fault: fault,
                    found: found,
                    field: faultField,
                    start: faultStart,
                    end: faultEnd,
                    line: rowLine
                )
                if rejectsRows {
                    rejects.append(
                        CSVRejectedRow(
                            lineNumber: rowLine,
                            error: error,
                            rawLine: Array(UnsafeBufferPointer(start: rowStart, count: contentEnd - rowStart))
                        )
                    )
                    continue
                }
                // The failing row is neither emitted nor rejected, so it is not counted as read.
                seen -= 1
                failure = error
                break rowLoop
            }
            rows += 1
            if rows == rowCapacity {
                flush(rows)
                rows = 0
            }
        }
        if rows > 0 { flush(rows) }
        rowsSeen = seen
        lines = line
        consumed = committed - base
    }

    /// Whether a row of `found` fields (not the header's count) is kept: extra fields ignored, or missing ones
    /// padded with nulls into row `row`.
    private func tolerate(_ found: Int, _ row: Int) -> Bool {
        if found > fieldCount { return ignoreExtraFields }
        guard nullPadding else { return false }
        for field in found..<fieldCount where plans[field].conversion != .skip {
            let slot = slots + plans[field].slot
            slot.pointee.validity[row] = false
            slot.pointee.mayHaveNulls = true
            switch plans[field].conversion {
            case .string, .raw: slot.pointee.offsets[row + 1] = slot.pointee.offsets[row]
            case .boolean: slot.pointee.values.storeBytes(of: false, toByteOffset: row, as: Bool.self)
            case .date: slot.pointee.values.storeBytes(of: 0, toByteOffset: row &* 4, as: Int32.self)
            default: slot.pointee.values.storeBytes(of: 0, toByteOffset: row &* 8, as: Int64.self)
            }
        }
        return true
    }

    private func flush(_ rows: Int) {
        var columns: [Column] = []
        columns.reserveCapacity(slotCount)
        for i in 0..<slotCount {
            columns.append(slots[i].column(rows: rows))
            slots[i].mayHaveNulls = false
        }
        batches.append(RecordBatch(schema: schema, columns: columns))
    }

    private func makeError(
        fault: RowFault,
        found: Int,
        field: Int,
        start: UnsafePointer<UInt8>,
        end: UnsafePointer<UInt8>,
        line: Int
    ) -> CSVError {
        func text() -> String {
            let limit = 200
            let count = end - start
            let shown = String(decoding: UnsafeBufferPointer(start: start, count: min(count, limit)), as: UTF8.self)
            return count > limit ? shown + "…" : shown
        }
        switch fault {
        case .none:
            let kind: CSVError.Kind =
                found > fieldCount
                ? .tooManyFields(expected: fieldCount, found: found)
                : .tooFewFields(expected: fieldCount, found: found)
            return CSVError(file: file, line: line, kind: kind)
        case .invalidValue:
            return CSVError(
                file: file,
                line: line,
                column: names[field],
                text: text(),
                kind: .invalidValue(expected: typeNames[field])
            )
        case .invalidUTF8:
            return CSVError(file: file, line: line, column: names[field], text: text(), kind: .invalidUTF8)
        case .textAfterQuote:
            // An extra field past the header's may be the one.
            return CSVError(
                file: file,
                line: line,
                column: field < names.count ? names[field] : nil,
                text: text(),
                kind: .textAfterClosingQuote
            )
        case .quoteInUnquoted:
            return CSVError(
                file: file,
                line: line,
                column: names[field],
                text: text(),
                kind: .quoteInUnquotedField
            )
        case .unterminatedQuote:
            return CSVError(
                file: file,
                line: line,
                column: field < names.count ? names[field] : nil,
                kind: .unterminatedQuote
            )
        }
    }

    /// Copies `[start, end)` of a quoted field to `destination`, turning each doubled quote into one; returns the
    /// length written.
    @inline(__always)
    private func unescape(
        _ start: UnsafePointer<UInt8>,
        _ end: UnsafePointer<UInt8>,
        into destination: UnsafeMutablePointer<UInt8>
    ) -> Int {
        var p = start
        var out = destination
        while p < end {
            let q = ByteParsing.find(quote, p, end)
            let n = q - p
            out.update(from: p, count: n)
            out += n
            if q == end { break }
            out.pointee = quote
            out += 1
            p = q + 2
        }
        return out - destination
    }

    /// Converts one field into row `row` of its slot.
    @inline(__always)
    private func convert(
        _ plan: FieldPlan,
        _ row: Int,
        _ start: UnsafePointer<UInt8>,
        _ end: UnsafePointer<UInt8>,
        quoted: Bool,
        escaped: Bool
    ) -> RowFault {
        let slot = slots + plan.slot
        switch plan.conversion {
        case .string, .raw:
            let offset = slot.pointee.offsets[row]
            if start == end && (plan.conversion == .raw || (!quoted && plan.emptyIsNull)) {
                slot.pointee.validity[row] = false
                slot.pointee.mayHaveNulls = true
                slot.pointee.offsets[row + 1] = offset
                return .none
            }
            let length = end - start
            if offset + length > slot.pointee.bytesCapacity { slot.pointee.reserveBytes(offset + length, used: offset) }
            let destination = slot.pointee.bytes + offset
            let written: Int
            var isASCII = false
            if escaped {
                written = unescape(start, end, into: destination)
            } else {
                isASCII = ByteParsing.copy(start, length, to: destination)
                written = length
            }
            if plan.conversion == .string && !isASCII && !ByteParsing.isValidUTF8(destination, destination + written) {
                return .invalidUTF8
            }
            slot.pointee.validity[row] = true
            slot.pointee.offsets[row + 1] = offset + written
            return .none
        case .skip:
            return .none
        default:
            break
        }
        if start == end {
            slot.pointee.validity[row] = false
            slot.pointee.mayHaveNulls = true
            switch plan.conversion {
            case .boolean: slot.pointee.values.storeBytes(of: false, toByteOffset: row, as: Bool.self)
            case .date: slot.pointee.values.storeBytes(of: 0, toByteOffset: row &* 4, as: Int32.self)
            default: slot.pointee.values.storeBytes(of: 0, toByteOffset: row &* 8, as: Int64.self)
            }
            return .none
        }
        var start = start
        var end = end
        if escaped {
            let length = end - start
            if length > scratchCapacity {
                scratch.deallocate()
                scratchCapacity = max(length, scratchCapacity * 2)
                scratch = .allocate(capacity: scratchCapacity)
            }
            let written = unescape(start, end, into: scratch)
            start = UnsafePointer(scratch)
            end = start + written
        }
        switch plan.conversion {
        case .int64:
            let parsed =
                thousandsSeparator != 0
                ? ByteParsing.int64(start, end, thousands: thousandsSeparator, scratch: numberScratch)
                : ByteParsing.int64(start, end)
            guard let value = parsed else { return .invalidValue }
            slot.pointee.values.storeBytes(of: value, toByteOffset: row &* 8, as: Int64.self)
        case .double:
            let parsed =
                customNumbers
                ? ByteParsing.double(
                    start,
                    end,
                    decimal: decimalSeparator,
                    thousands: thousandsSeparator,
                    scratch: numberScratch
                )
                : ByteParsing.double(start, end)
            guard let value = parsed else { return .invalidValue }
            slot.pointee.values.storeBytes(of: value, toByteOffset: row &* 8, as: Double.self)
        case .boolean:
            guard let value = ByteParsing.boolean(start, end) else { return .invalidValue }
            slot.pointee.values.storeBytes(of: value, toByteOffset: row, as: Bool.self)
        case .date:
            var days = 0
            guard DateTimeFormat.parse(plan.format!, plan.formatCount, start, end, days: &days) != nil,
                let value = Int32(exactly: days)
            else { return .invalidValue }
            slot.pointee.values.storeBytes(of: value, toByteOffset: row &* 4, as: Int32.self)
        case .timestamp:
            var days = 0
            guard let value = DateTimeFormat.parse(plan.format!, plan.formatCount, start, end, days: &days) else {
                return .invalidValue
            }
            slot.pointee.values.storeBytes(of: value, toByteOffset: row &* 8, as: Int64.self)
        case .string, .raw, .skip:
            break
        }
        slot.pointee.validity[row] = true
        return .none
    }
}

/// The bytes (up to 15) and the value of the last date parsed in a column.
struct DateCacheEntry {
    var word0: UInt64 = 0
    var word1: UInt64 = 0
    var mask0: UInt64 = 0
    var mask1: UInt64 = 0
    /// 0 when empty.
    var length = 0
    var days = 0

    /// Remembers the date at `start`, when it is short enough and 16 bytes can be read there.
    @inline(__always)
    mutating func remember(_ start: UnsafePointer<UInt8>, length: Int, days: Int, available: Int) {
        guard length > 0 && length < 16 && available >= 16 else { return }
        mask0 = length >= 8 ? ~0 : (1 << (UInt64(length) * 8)) - 1
        mask1 = length <= 8 ? 0 : (1 << (UInt64(length - 8) * 8)) - 1
        word0 = ByteParsing.load(start) & mask0
        word1 = ByteParsing.load(start + 8) & mask1
        self.length = length
        self.days = days
    }
}
