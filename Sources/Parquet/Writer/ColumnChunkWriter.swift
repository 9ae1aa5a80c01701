import Codecs
import Columnar

/// The pages of one column chunk, ready to be written at the offset its metadata was built for.
struct EncodedColumnChunk {
    /// The dictionary page (header and body), or empty.
    var dictionaryPage: [UInt8]
    /// The data pages (headers and bodies), back to back.
    var dataPages: [UInt8]
    /// The chunk metadata, offsets already absolute.
    var chunk: ColumnChunk
    /// The page index entries, when wanted.
    var columnIndex: ColumnIndex?
    var offsetIndex: OffsetIndex?
}

/// Encodes the values of one column into pages, one column chunk at a time.
///
/// Values arrive in slices of record batches; pages are cut when they reach the page size or row limit, and
/// are kept, encoded and compressed, until the row group ends (the dictionary page, which must come first,
/// is only complete then).
struct ColumnChunkWriter {
    let descriptor: ColumnDescriptor
    let options: ParquetWriteOptions
    private let codec: Codec
    private let codecID: CompressionCodec

    // Chunk state.
    private var pages: [UInt8] = []
    private var pageLocations: [PageLocation] = []
    private var pageStatistics: [ValueStatistics] = []
    private var pageEncodings: [Encoding: Int32] = [:]
    private var chunkStatistics: ValueStatistics
    private var chunkValues = 0
    private var chunkUncompressedBytes = 0
    private var fixedDictionary: FixedWidthDictionaryEncoder?
    private var bytesDictionary: ByteArrayDictionaryEncoder?
    /// Whether new values are dictionary-encoded (false once the dictionary outgrew its limit).
    private var dictionaryActive: Bool
    /// Whether the previous chunk of this column fell back to PLAIN (see ``flushPage()``).
    private var previousChunkFellBack = false
    /// Whether a data page refers to the dictionary, so the dictionary page must be written.
    private var dictionaryUsed = false
    /// The encoded dictionary page (possibly empty) once the chunk is sealed.
    private var sealedDictionaryPage: [UInt8]?

    // Current page state.
    private var levels: [UInt8] = []
    private var indices: [UInt32] = []
    private var plain: [UInt8] = []
    private var booleans: [Bool] = []
    private var pageStats: ValueStatistics
    private var pageValues = 0
    /// Numbers the pages of the writer (from 1), for ``ByteArrayDictionaryEncoder/markSeen(_:page:)``.
    private var pageSerial: UInt32 = 1
    private var scratch: [UInt8] = []
    /// Snappy pages to store as literals before compressing again, after a page that compressed poorly.
    private var storeNextPages = 0
    static let pagesStoredAfterPoorRatio = 15
    /// A page compressed to more than this percentage of its size compressed poorly.
    static let worthwhileRatioPercent = 85
    /// Reused across pages: the uncompressed page body, and its compressed form.
    private var pageBuffer: [UInt8] = []
    private var compressedBuffer: [UInt8] = []
    /// Reused across pages: a page's values as DELTA_BINARY_PACKED, while PLAIN and delta are compared.
    private var deltaBuffer: [UInt8] = []

    init(descriptor: ColumnDescriptor, options: ParquetWriteOptions) {
        self.descriptor = descriptor
        self.options = options
        switch options.compression {
        case .uncompressed: (codec, codecID) = (.uncompressed, .uncompressed)
        case .snappy: (codec, codecID) = (.snappy, .snappy)
        case .gzip: (codec, codecID) = (.gzip, .gzip)
        case .zstd: (codec, codecID) = (.zstd, .zstd)
        }
        chunkStatistics = ValueStatistics(order: descriptor.order)
        pageStats = ValueStatistics(order: descriptor.order)
        dictionaryActive = options.dictionary && descriptor.physicalType != .boolean
        resetDictionary()
    }

    private mutating func resetDictionary() {
        fixedDictionary = nil
        bytesDictionary = nil
        guard dictionaryActive else { return }
        switch descriptor.physicalType {
        case .int32, .float: fixedDictionary = FixedWidthDictionaryEncoder(byteWidth: 4)
        case .int64, .double: fixedDictionary = FixedWidthDictionaryEncoder(byteWidth: 8)
        case .byteArray: bytesDictionary = ByteArrayDictionaryEncoder(isFixedLength: false)
        case .fixedLenByteArray: bytesDictionary = ByteArrayDictionaryEncoder(isFixedLength: true)
        case .boolean, .int96: break
        }
    }

    /// The number of dictionary entries.
    private var dictionaryCount: Int { fixedDictionary?.count ?? bytesDictionary?.count ?? 0 }

    /// The PLAIN size of the dictionary.
    private var dictionaryByteSize: Int { fixedDictionary?.plainByteSize ?? bytesDictionary?.plainByteSize ?? 0 }

    /// The bit width of dictionary indices: enough for the largest index, and at least 1.
    private var indexBitWidth: Int { max(1, RLEHybridEncoder.bitWidth(of: UInt64(max(dictionaryCount - 1, 0)))) }

    /// The approximate encoded size of the current page's values and levels.
    private var pageEstimatedSize: Int {
        plain.count + indices.count * indexBitWidth / 8 + booleans.count / 8
            + (descriptor.isOptional ? pageValues / 8 : 0)
    }

    /// The approximate number of bytes the chunk will take: finished pages, the open page, the dictionary.
    var estimatedChunkSize: Int { pages.count + pageEstimatedSize + dictionaryByteSize }

    // MARK: Appending values

    /// Appends rows `range` of `column`, cutting pages as they fill.
    mutating func append(_ column: Column, rows range: Range<Int>) throws {
        try checkStorage(column.values)
        var start = range.lowerBound
        while start < range.upperBound {
            let room = max(1, options.dataPageMaxRows - pageValues)
            let end = min(range.upperBound, start + min(nextSliceRows(), room))
            try appendSlice(column, start..<end)
            if let allowed = descriptor.integerRange, let bounds = pageStats.integerBounds,
                !allowed.contains(bounds.min) || !allowed.contains(bounds.max)
            {
                try reportOutOfRange(column, start..<end, allowed)
            }
            if pageEstimatedSize >= options.dataPageSize || pageValues >= options.dataPageMaxRows {
                try flushPage()
            }
            if dictionaryActive && dictionaryByteSize > options.dictionaryPageSizeLimit {
                // Fall back to PLAIN for the rest of the chunk; pages so far keep their dictionary.
                try flushPage()
                dictionaryActive = false
            }
            start = end
        }
    }

    /// Checks that the column's storage is the one its physical type is written from.
    private func checkStorage(_ values: ColumnValues) throws {
        let matches: Bool
        switch (descriptor.physicalType, values) {
        case (.boolean, .boolean), (.int32, .int32), (.int64, .int64), (.float, .float), (.double, .double),
            (.byteArray, .bytes), (.fixedLenByteArray, .bytes):
            matches = true
        default:
            matches = false
        }
        guard matches else {
            throw ParquetError(
                .invalidArgument,
                "a \(descriptor.field.type) column cannot be stored as \(values.storageName)",
                column: descriptor.name
            )
        }
    }

    /// Throws for the first value of `range` outside the range of a narrow integer type (INT_8, UINT_16, …).
    private func reportOutOfRange(_ column: Column, _ range: Range<Int>, _ allowed: ClosedRange<Int64>) throws {
        guard case .int32(let values) = column.values else { return }
        let unsigned = descriptor.order == .unsignedInt32
        for i in range where !column.isNull(i) {
            let value = unsigned ? Int64(UInt32(bitPattern: values[i])) : Int64(values[i])
            if !allowed.contains(value) {
                throw ParquetError(
                    .invalidArgument,
                    "row \(i) holds \(value), outside the \(descriptor.field.type) range \(allowed)",
                    column: descriptor.name
                )
            }
        }
    }

    /// How many rows to encode before checking the page size again, from the bytes per row so far.
    private func nextSliceRows() -> Int {
        guard pageValues > 0 else { return 64 }
        let bytesPerRow = max(1, pageEstimatedSize / pageValues)
        let bytesLeft = max(0, options.dataPageSize - pageEstimatedSize)
        return min(1_024, max(16, bytesLeft / bytesPerRow))
    }

    private mutating func appendSlice(_ column: Column, _ range: Range<Int>) throws {
        let validity = column.validity
        if let validity {
            if descriptor.isOptional {
                // A Bool is stored as one byte, 0 or 1: exactly the definition levels of a flat column.
                validity.withUnsafeBytes { bytes in
                    let slice = UnsafeRawBufferPointer(rebasing: bytes[range])
                    var valid = 0
                    for byte in slice { valid &+= Int(byte) }
                    let nulls = range.count - valid
                    // `levels` stays empty while the page has no null (all levels are 1).
                    if nulls > 0 && levels.isEmpty {
                        levels.append(contentsOf: repeatElement(1, count: pageValues))
                    }
                    if !levels.isEmpty || nulls > 0 { levels.append(contentsOf: slice) }
                    pageStats.nullCount &+= nulls
                }
            } else if let row = validity[range].firstIndex(of: false) {
                throw ParquetError(
                    .invalidArgument,
                    "row \(row) is null but the column is not nullable",
                    column: descriptor.name
                )
            }
        } else if descriptor.isOptional && !levels.isEmpty {
            levels.append(contentsOf: repeatElement(1, count: range.count))
        }
        pageValues += range.count
        try validity.withOptionalBuffer { valid in
            try appendValues(column.values, range, valid)
        }
    }

    private mutating func appendValues(
        _ values: ColumnValues,
        _ range: Range<Int>,
        _ valid: UnsafeBufferPointer<Bool>?
    ) throws {
        let order = descriptor.order
        switch values {
        case .boolean(let array):
            for i in range where valid?[i] ?? true {
                let value = array[i]
                booleans.append(value)
                pageStats.update(signed: value ? 1 : 0)
            }
        case .int32(let array):
            array.withUnsafeBufferPointer { buffer in
                let values = UnsafeBufferPointer(rebasing: buffer[range])
                updateIntegerBounds(values, range.lowerBound, valid, unsigned: order == .unsignedInt32)
                // Sign-extended keys keep small negative and positive values in one dense range.
                appendFixedWidth(values, range.lowerBound, valid) { UInt64(bitPattern: Int64($0)) }
            }
        case .int64(let array):
            array.withUnsafeBufferPointer { buffer in
                let values = UnsafeBufferPointer(rebasing: buffer[range])
                updateIntegerBounds(values, range.lowerBound, valid, unsigned: order == .unsignedInt64)
                appendFixedWidth(values, range.lowerBound, valid) { UInt64(bitPattern: $0) }
            }
        case .float(let array):
            array.withUnsafeBufferPointer { buffer in
                let values = UnsafeBufferPointer(rebasing: buffer[range])
                values.withMemoryRebound(to: UInt32.self) { bits in
                    for i in bits.indices where valid?[range.lowerBound + i] ?? true {
                        pageStats.update(floating: Double(Float(bitPattern: bits[i])))
                    }
                    appendFixedWidth(bits, range.lowerBound, valid) { UInt64($0) }
                }
            }
        case .double(let array):
            array.withUnsafeBufferPointer { buffer in
                let values = UnsafeBufferPointer(rebasing: buffer[range])
                values.withMemoryRebound(to: UInt64.self) { bits in
                    for i in bits.indices where valid?[range.lowerBound + i] ?? true {
                        pageStats.update(floating: Double(bitPattern: bits[i]))
                    }
                    appendFixedWidth(bits, range.lowerBound, valid) { $0 }
                }
            }
        case .bytes(let arrays):
            try appendByteArrays(arrays, range, valid)
        }
    }

    /// Folds the min/max of the non-null `values` (row `first` onward) into the page statistics, in one pass.
    @inline(__always)
    private mutating func updateIntegerBounds<T: FixedWidthInteger>(
        _ values: UnsafeBufferPointer<T>,
        _ first: Int,
        _ valid: UnsafeBufferPointer<Bool>?,
        unsigned: Bool
    ) {
        if unsigned {
            let bounds = Self.bounds(values, first, valid) {
                UInt64(truncatingIfNeeded: T.Magnitude(truncatingIfNeeded: $0))
            }
            if let bounds {
                pageStats.update(unsigned: bounds.low)
                pageStats.update(unsigned: bounds.high)
            }
        } else {
            if let bounds = Self.bounds(values, first, valid, { Int64(truncatingIfNeeded: $0) }) {
                pageStats.update(signed: bounds.low)
                pageStats.update(signed: bounds.high)
            }
        }
    }

    /// The min and max of the non-null `values` widened by `widen`, branch-free; nil when all are null.
    @inline(__always)
    private static func bounds<T, W: FixedWidthInteger>(
        _ values: UnsafeBufferPointer<T>,
        _ first: Int,
        _ valid: UnsafeBufferPointer<Bool>?,
        _ widen: (T) -> W
    ) -> (low: W, high: W)? {
        var low = W.max
        var high = W.min
        if let valid {
            var seen = 0
            for i in values.indices {
                let value = widen(values[i])
                let isValid = valid[first &+ i]
                low = isValid && value < low ? value : low
                high = isValid && value > high ? value : high
                seen &+= isValid ? 1 : 0
            }
            return seen > 0 ? (low, high) : nil
        }
        guard !values.isEmpty else { return nil }
        for i in values.indices {
            let value = widen(values[i])
            low = value < low ? value : low
            high = value > high ? value : high
        }
        return (low, high)
    }

    /// Appends the non-null `values` (row `first` onward) as dictionary indices, or PLAIN once the dictionary
    /// is abandoned. `key` widens a value to its dictionary key.
    @inline(__always)
    private mutating func appendFixedWidth<T: FixedWidthInteger>(
        _ values: UnsafeBufferPointer<T>,
        _ first: Int,
        _ valid: UnsafeBufferPointer<Bool>?,
        key: (T) -> UInt64
    ) {
        guard !values.isEmpty else { return }
        if dictionaryActive {
            let dictionary = fixedDictionary.unsafelyUnwrapped
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: values.count) { out in
                var n = 0
                if let valid {
                    for i in values.indices where valid[first &+ i] {
                        out[n] = dictionary.index(of: key(values[i]))
                        n &+= 1
                    }
                } else {
                    for i in values.indices {
                        out[i] = dictionary.index(of: key(values[i]))
                    }
                    n = values.count
                }
                indices.append(contentsOf: UnsafeBufferPointer(rebasing: out[0..<n]))
            }
            return
        }
        #if _endian(little)
        if valid == nil {
            plain.append(contentsOf: UnsafeRawBufferPointer(values))
            return
        }
        #endif
        withUnsafeTemporaryAllocation(of: T.self, capacity: values.count) { out in
            var n = 0
            for i in values.indices where valid?[first &+ i] ?? true {
                out[n] = values[i].littleEndian
                n &+= 1
            }
            plain.append(contentsOf: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: out[0..<n])))
        }
    }

    private mutating func appendByteArrays(
        _ arrays: ByteArrays,
        _ range: Range<Int>,
        _ valid: UnsafeBufferPointer<Bool>?
    ) throws {
        let fixedLength = descriptor.typeLength
        let isDecimal = descriptor.order == .signedFixedDecimal
        try arrays.data.withUnsafeBytes { (data) in
            try arrays.offsets.withUnsafeBufferPointer { (offsets) in
                for i in range where valid?[i] ?? true {
                    var value = UnsafeRawBufferPointer(rebasing: data[offsets[i]..<offsets[i + 1]])
                    if let fixedLength, value.count != fixedLength {
                        guard isDecimal else {
                            throw ParquetError(
                                .invalidArgument,
                                "row \(i) has \(value.count) bytes, the fixed width is \(fixedLength)",
                                column: descriptor.name
                            )
                        }
                        try resizeDecimal(value, to: fixedLength, row: i)
                        scratch.withUnsafeBytes { normalized in
                            appendByteArray(normalized)
                        }
                        continue
                    }
                    if fixedLength == nil && value.count > Int(Int32.max) {
                        throw ParquetError(.invalidArgument, "row \(i) is over 2 GiB", column: descriptor.name)
                    }
                    value = UnsafeRawBufferPointer(rebasing: value[...])
                    appendByteArray(value)
                }
            }
        }
    }

    @inline(__always)
    private mutating func appendByteArray(_ value: UnsafeRawBufferPointer) {
        if dictionaryActive {
            let index = bytesDictionary!.index(of: value)
            indices.append(index)
            // A repeated value cannot move the page's bounds: compare only its first occurrence in the page.
            if bytesDictionary!.markSeen(index, page: pageSerial) { pageStats.update(bytes: value) }
            return
        }
        pageStats.update(bytes: value)
        if descriptor.typeLength != nil {
            plain.append(contentsOf: value)
        } else {
            PlainEncoder.appendByteArray(value, to: &plain)
        }
    }

    /// Sign-extends or narrows a big-endian two's complement decimal into `scratch` of `width` bytes.
    private mutating func resizeDecimal(_ value: UnsafeRawBufferPointer, to width: Int, row: Int) throws {
        scratch.removeAll(keepingCapacity: true)
        let negative = !value.isEmpty && value[0] & 0x80 != 0
        let fill: UInt8 = negative ? 0xFF : 0x00
        if value.count < width {
            scratch.append(contentsOf: repeatElement(fill, count: width - value.count))
            scratch.append(contentsOf: value)
            return
        }
        // Narrowing: the dropped leading bytes must be pure sign extension.
        let drop = value.count - width
        for k in 0..<drop where value[k] != fill {
            throw ParquetError(
                .invalidArgument,
                "row \(row): decimal does not fit the \(width) bytes its precision allows",
                column: descriptor.name
            )
        }
        if (value[drop] & 0x80 != 0) != negative {
            throw ParquetError(
                .invalidArgument,
                "row \(row): decimal does not fit the \(width) bytes its precision allows",
                column: descriptor.name
            )
        }
        scratch.append(contentsOf: value[drop...])
    }

    // MARK: Pages

    /// Encodes, compresses and stores the open page, if it has any values.
    mutating func flushPage() throws {
        guard pageValues > 0 else { return }
        let nullCount = pageStats.nullCount
        let isV2 = options.pageVersion == .v2

        // The page body is built in `pageBuffer`: definition levels (v1: with their 4-byte length), then values.
        pageBuffer.removeAll(keepingCapacity: true)
        if descriptor.isOptional {
            if !isV2 { pageBuffer.append(contentsOf: [0, 0, 0, 0]) }
            if levels.isEmpty {
                // No null in the page: one run of 1s.
                RLEHybridEncoder.encodeRun(1, count: pageValues, bitWidth: 1, into: &pageBuffer)
            } else {
                RLEHybridEncoder.encode(levels, bitWidth: 1, into: &pageBuffer)
            }
            if !isV2 {
                let length = UInt32(pageBuffer.count - 4)
                withUnsafeBytes(of: length.littleEndian) { pageBuffer.replaceSubrange(0..<4, with: $0) }
            }
        }
        let levelsCount = pageBuffer.count
        if firstPageGainsNothingFromTheDictionary { abandonDictionaryForFirstPage() }

        let encoding: Encoding
        if descriptor.physicalType == .boolean {
            if isV2 {
                // RLE booleans: bit width 1, with a 4-byte length prefix.
                pageBuffer.append(contentsOf: [0, 0, 0, 0])
                RLEHybridEncoder.encode(booleans.map { $0 ? UInt8(1) : 0 }, bitWidth: 1, into: &pageBuffer)
                let length = UInt32(pageBuffer.count - levelsCount - 4)
                withUnsafeBytes(of: length.littleEndian) {
                    pageBuffer.replaceSubrange(levelsCount..<levelsCount + 4, with: $0)
                }
                encoding = .rle
            } else {
                PlainEncoder.appendBooleans(booleans, to: &pageBuffer)
                encoding = .plain
            }
        } else if !indices.isEmpty {
            let width = indexBitWidth
            pageBuffer.reserveCapacity(levelsCount + 1 + indices.count * width / 8 + 16)
            pageBuffer.append(UInt8(width))
            RLEHybridEncoder.encode(indices, bitWidth: width, into: &pageBuffer)
            encoding = .rleDictionary
            dictionaryUsed = true
        } else if options.deltaEncoding, let deltaBytes = encodeDeltaIfSmaller() {
            pageBuffer.append(contentsOf: deltaBytes)
            encoding = .deltaBinaryPacked
        } else {
            pageBuffer.append(contentsOf: plain)
            encoding = .plain
        }
        let valuesCount = pageBuffer.count - levelsCount

        let statistics = options.writeStatistics ? pageStats.thrift() : nil
        var header = PageHeader()
        // v1 compresses levels and values together; v2 only the values, after the uncompressed levels.
        let compressedStart = isV2 ? levelsCount : 0
        let compress = codec != .uncompressed && (!isV2 || valuesCount > 0)
        if compress {
            compressedBuffer.removeAll(keepingCapacity: true)
            pageBuffer.withUnsafeBytes { raw in
                let input = UnsafeRawBufferPointer(rebasing: raw[compressedStart...])
                if codec == .snappy && storeNextPages > 0 {
                    Snappy.store(input, into: &compressedBuffer)
                    storeNextPages -= 1
                } else if codec == .snappy {
                    Snappy.compress(input, into: &compressedBuffer)
                    // Pages of this column barely compress: store the next ones as literals (valid Snappy at
                    // copy speed), then try again. Distinct UUID-like strings compress to 0.89 (only their
                    // 4-byte length prefixes match), not worth Snappy's 11% of such a job's time.
                    if compressedBuffer.count * 100 > input.count * Self.worthwhileRatioPercent {
                        storeNextPages = Self.pagesStoredAfterPoorRatio
                    }
                } else {
                    compressedBuffer = codec.compress(input)
                }
            }
        }
        let bodyCount = compress ? compressedStart + compressedBuffer.count : pageBuffer.count
        header.uncompressedPageSize = try int32(pageBuffer.count)
        header.compressedPageSize = try int32(bodyCount)
        if isV2 {
            header.type = .dataPageV2
            header.dataPageHeaderV2 = DataPageHeaderV2(
                numValues: try int32(pageValues),
                numNulls: try int32(nullCount),
                numRows: try int32(pageValues),
                encoding: encoding,
                definitionLevelsByteLength: try int32(levelsCount),
                repetitionLevelsByteLength: 0,
                isCompressed: compress,
                statistics: statistics
            )
        } else {
            header.type = .dataPage
            header.dataPageHeader = DataPageHeader(
                numValues: try int32(pageValues),
                encoding: encoding,
                definitionLevelEncoding: .rle,
                repetitionLevelEncoding: .rle,
                statistics: statistics
            )
        }
        let headerBytes = header.thriftEncoded()
        pageLocations.append(
            PageLocation(
                offset: Int64(pages.count),
                compressedPageSize: try int32(headerBytes.count + bodyCount),
                firstRowIndex: Int64(chunkValues)
            )
        )
        pages.append(contentsOf: headerBytes)
        if compress {
            pages.append(contentsOf: pageBuffer[0..<compressedStart])
            pages.append(contentsOf: compressedBuffer)
        } else {
            pages.append(contentsOf: pageBuffer)
        }
        chunkUncompressedBytes += headerBytes.count + Int(header.uncompressedPageSize)
        pageEncodings[encoding, default: 0] += 1
        pageStatistics.append(pageStats)
        chunkStatistics.merge(pageStats)
        chunkValues += pageValues

        // Early fallback: when this column's previous chunk outgrew its dictionary and the first page of this
        // one is still nearly all distinct values, the dictionary would overflow again; write PLAIN from here.
        if dictionaryActive && previousChunkFellBack && pageLocations.count == 1
            && dictionaryCount * 10 >= indices.count * 9
        {
            dictionaryActive = false
        }

        // Reset the page.
        levels.removeAll(keepingCapacity: true)
        indices.removeAll(keepingCapacity: true)
        plain.removeAll(keepingCapacity: true)
        booleans.removeAll(keepingCapacity: true)
        pageStats = ValueStatistics(order: descriptor.order)
        pageValues = 0
        pageSerial &+= 1
    }

    /// Whether the chunk's first page would be no smaller with the dictionary than without: (nearly) every value
    /// is distinct (keys, timestamps, measurements), so the dictionary page would repeat the values and the indices
    /// come on top.
    private var firstPageGainsNothingFromTheDictionary: Bool {
        guard options.abandonsUselessDictionaries, pageLocations.isEmpty, !dictionaryUsed, !indices.isEmpty else {
            return false
        }
        if let dictionary = fixedDictionary {
            let indexBytes = indices.count * indexBitWidth / 8
            return dictionary.plainByteSize + indexBytes >= indices.count * dictionary.byteWidth
        }
        if let dictionary = bytesDictionary { return dictionary.count * 10 >= indices.count * 9 }
        return false
    }

    /// Turns the open page's dictionary indices back into PLAIN values and writes the rest of the chunk without a
    /// dictionary (the next chunk tries one again).
    private mutating func abandonDictionaryForFirstPage() {
        plain.removeAll(keepingCapacity: true)
        if let dictionary = fixedDictionary {
            let entries = dictionary.entries
            plain.reserveCapacity(indices.count * dictionary.byteWidth)
            if dictionary.byteWidth == 4 {
                for index in indices {
                    PlainEncoder.append(UInt32(truncatingIfNeeded: entries[Int(index)]), to: &plain)
                }
            } else {
                for index in indices { PlainEncoder.append(entries[Int(index)], to: &plain) }
            }
        } else if let dictionary = bytesDictionary {
            let offsets = dictionary.offsets
            let isFixedLength = descriptor.typeLength != nil
            dictionary.data.withUnsafeBytes { data in
                for index in indices {
                    let value = UnsafeRawBufferPointer(rebasing: data[offsets[Int(index)]..<offsets[Int(index) + 1]])
                    if isFixedLength {
                        plain.append(contentsOf: value)
                    } else {
                        PlainEncoder.appendByteArray(value, to: &plain)
                    }
                }
            }
        }
        indices.removeAll(keepingCapacity: true)
        dictionaryActive = false
        fixedDictionary = nil
        bytesDictionary = nil
    }

    /// The open page's INT32 or INT64 values as DELTA_BINARY_PACKED, when that takes at most three quarters of
    /// their PLAIN bytes (sorted or slowly changing values: dates, keys, counters); nil otherwise. A sample of the
    /// deltas decides first, so pages of unordered values cost one short pass.
    private mutating func encodeDeltaIfSmaller() -> [UInt8]? {
        let width: Int
        switch descriptor.physicalType {
        case .int32: width = 32
        case .int64: width = 64
        default: return nil
        }
        guard plain.count >= 64 * width / 8 else { return nil }
        let sampled = plain.withUnsafeBytes { raw in
            width == 32
                ? DeltaBinaryPackedEncoder.sampledBitWidth(plain: raw, as: Int32.self)
                : DeltaBinaryPackedEncoder.sampledBitWidth(plain: raw, as: Int64.self)
        }
        guard sampled * 4 <= width * 3 else { return nil }
        deltaBuffer.removeAll(keepingCapacity: true)
        plain.withUnsafeBytes { raw in
            if width == 32 {
                DeltaBinaryPackedEncoder.encode(plain: raw, as: Int32.self, into: &deltaBuffer)
            } else {
                DeltaBinaryPackedEncoder.encode(plain: raw, as: Int64.self, into: &deltaBuffer)
            }
        }
        return deltaBuffer.count * 4 <= plain.count * 3 ? deltaBuffer : nil
    }

    private func int32(_ value: Int) throws -> Int32 {
        guard let result = Int32(exactly: value) else {
            throw ParquetError(.invalidArgument, "page size \(value) exceeds 2 GiB", column: descriptor.name)
        }
        return result
    }

    // MARK: Finishing the chunk

    /// Closes the chunk: flushes the open page, builds the dictionary page and the metadata for a chunk that
    /// starts at `fileOffset`, and resets for the next row group.
    /// Flushes the open page and encodes the dictionary page: the costly part of closing a chunk, which
    /// does not depend on where the chunk lands in the file (so columns can do it concurrently).
    mutating func seal() throws {
        guard sealedDictionaryPage == nil else { return }
        try flushPage()
        var dictionaryPage: [UInt8] = []
        if dictionaryUsed {
            var raw: [UInt8] = []
            fixedDictionary?.encodePlain(into: &raw)
            bytesDictionary?.encodePlain(into: &raw)
            let body = codec == .uncompressed ? raw : codec.compress(raw)
            let header = PageHeader(
                type: .dictionaryPage,
                uncompressedPageSize: try int32(raw.count),
                compressedPageSize: try int32(body.count),
                dictionaryPageHeader: DictionaryPageHeader(numValues: try int32(dictionaryCount), encoding: .plain)
            )
            dictionaryPage = header.thriftEncoded()
            chunkUncompressedBytes += dictionaryPage.count + raw.count
            dictionaryPage.append(contentsOf: body)
        }
        sealedDictionaryPage = dictionaryPage
    }

    /// Closes the chunk: seals it, builds the metadata for a chunk that starts at `fileOffset`, hands over its
    /// pages, and resets for the next row group, collecting pages in `spare` (an empty buffer to reuse).
    mutating func finishChunk(at fileOffset: Int64, spare: [UInt8]) throws -> EncodedColumnChunk {
        try seal()
        let dictionaryPage = sealedDictionaryPage ?? []
        sealedDictionaryPage = nil
        let uncompressedTotal = chunkUncompressedBytes
        let dataPageOffset = fileOffset + Int64(dictionaryPage.count)

        var encodings: Set<Encoding> = [.rle]
        var encodingStats: [PageEncodingStats] = []
        if dictionaryUsed {
            encodings.insert(.plain)
            encodingStats.append(PageEncodingStats(pageType: .dictionaryPage, encoding: .plain, count: 1))
        }
        let dataPageType: PageType = options.pageVersion == .v2 ? .dataPageV2 : .dataPage
        for (encoding, count) in pageEncodings.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            encodings.insert(encoding)
            encodingStats.append(PageEncodingStats(pageType: dataPageType, encoding: encoding, count: count))
        }

        var metaData = ColumnMetaData(
            type: descriptor.physicalType,
            encodings: encodings.sorted { $0.rawValue < $1.rawValue },
            pathInSchema: [descriptor.name],
            codec: codecID,
            numValues: Int64(chunkValues),
            totalUncompressedSize: Int64(uncompressedTotal),
            totalCompressedSize: Int64(dictionaryPage.count + pages.count),
            dataPageOffset: dataPageOffset,
            dictionaryPageOffset: dictionaryUsed ? fileOffset : nil,
            encodingStats: encodingStats
        )
        if options.writeStatistics { metaData.statistics = chunkStatistics.thrift() }

        var offsetIndex: OffsetIndex?
        var columnIndex: ColumnIndex?
        if options.writePageIndex {
            offsetIndex = OffsetIndex(
                pageLocations: pageLocations.map {
                    var location = $0
                    location.offset += dataPageOffset
                    return location
                }
            )
            if options.writeStatistics { columnIndex = makeColumnIndex() }
        }

        var dataPages = spare
        swap(&dataPages, &pages)
        let result = EncodedColumnChunk(
            dictionaryPage: dictionaryPage,
            dataPages: dataPages,
            chunk: ColumnChunk(fileOffset: 0, metaData: metaData),
            columnIndex: columnIndex,
            offsetIndex: offsetIndex
        )

        // Reset for the next chunk.
        pageLocations.removeAll()
        pageStatistics.removeAll()
        pageEncodings.removeAll()
        chunkStatistics = ValueStatistics(order: descriptor.order)
        chunkValues = 0
        chunkUncompressedBytes = 0
        let dictionaryEnabled = options.dictionary && descriptor.physicalType != .boolean
        previousChunkFellBack = dictionaryEnabled && !dictionaryActive
        dictionaryActive = dictionaryEnabled
        dictionaryUsed = false
        resetDictionary()
        return result
    }

    /// The column index of the chunk's pages; nil when a page's bounds cannot be expressed (all NaN).
    private func makeColumnIndex() -> ColumnIndex? {
        var index = ColumnIndex()
        index.nullCounts = []
        var ascending = true
        var descending = true
        var previous: (min: [UInt8], max: [UInt8])?
        for statistics in pageStatistics {
            index.nullCounts!.append(Int64(statistics.nullCount))
            if let bounds = statistics.encodedBounds() {
                index.nullPages.append(false)
                index.minValues.append(bounds.min)
                index.maxValues.append(bounds.max)
                if let previous {
                    let order = descriptor.order
                    let minOrder = ValueStatistics.compareEncoded(previous.min, bounds.min, order: order)
                    let maxOrder = ValueStatistics.compareEncoded(previous.max, bounds.max, order: order)
                    if minOrder > 0 || maxOrder > 0 { ascending = false }
                    if minOrder < 0 || maxOrder < 0 { descending = false }
                }
                previous = (bounds.min, bounds.max)
            } else if statistics.nanCount > 0 {
                // Only NaNs (and nulls): TYPE_ORDER bounds cannot describe the page, so no column index.
                return nil
            } else {
                index.nullPages.append(true)
                index.minValues.append([])
                index.maxValues.append([])
            }
        }
        index.boundaryOrder = ascending ? .ascending : (descending ? .descending : .unordered)
        return index
    }
}

extension Optional where Wrapped == [Bool] {
    /// Calls `body` with the array's buffer, or nil.
    fileprivate func withOptionalBuffer<R, E: Error>(
        _ body: (UnsafeBufferPointer<Bool>?) throws(E) -> R
    ) throws(E) -> R {
        switch self {
        case .some(let array):
            return try array.withUnsafeBufferPointer { (buffer) throws(E) in try body(buffer) }
        case .none:
            return try body(nil)
        }
    }
}

extension ColumnValues {
    /// The name of the storage case, for errors.
    fileprivate var storageName: String {
        switch self {
        case .boolean: "booleans"
        case .int32: "int32 values"
        case .int64: "int64 values"
        case .float: "floats"
        case .double: "doubles"
        case .bytes: "byte arrays"
        }
    }
}
