import Codecs
import Columnar

/// Decodes the pages of one column chunk into a ``Column``.
///
/// Every size in a page header is checked against the chunk before it is used, every decoder is bounds-checked,
/// and the number of values is bounded by the row group's row count, so malformed input ends in a
/// ``ParquetError`` naming the column and the byte offset of the page.
struct ColumnChunkDecoder {
    let leaf: LeafColumn
    let codec: CompressionCodec
    /// The chunk's bytes, from its first page header (at `firstPage`) through the end of its last page.
    let chunk: [UInt8]
    /// The file offset of `chunk[0]`.
    let chunkOffset: Int
    /// The index in `chunk` of the first page header (0 unless bytes before the chunk were read with it).
    let firstPage: Int
    /// The number of rows (= values, for a flat column) the chunk must produce.
    let rowCount: Int
    let options: ParquetReader.Options

    /// The physical values decoded so far (INT96 as microseconds, FIXED_LEN_BYTE_ARRAY as byte arrays).
    private var values: ColumnValues
    /// Per row, whether it is non-null; only kept for optional columns.
    private var validity: [Bool] = []
    private var hasNulls = false
    private var dictionary: ColumnValues?
    private var dictionaryCount = 0
    private var produced = 0

    init(
        leaf: LeafColumn,
        codec: CompressionCodec,
        chunk: [UInt8],
        chunkOffset: Int,
        firstPage: Int = 0,
        rowCount: Int,
        options: ParquetReader.Options
    ) {
        self.leaf = leaf
        self.codec = codec
        self.chunk = chunk
        self.chunkOffset = chunkOffset
        self.firstPage = firstPage
        self.rowCount = rowCount
        self.options = options
        self.values = Self.emptyPhysical(leaf.physicalType)
    }

    /// Empty storage for the physical type.
    static func emptyPhysical(_ type: PhysicalType) -> ColumnValues {
        switch type {
        case .boolean: .boolean([])
        case .int32: .int32([])
        case .int64, .int96: .int64([])
        case .float: .float([])
        case .double: .double([])
        case .byteArray, .fixedLenByteArray: .bytes(ByteArrays())
        }
    }

    /// The codec of the Codecs module for a Parquet codec, or an unsupported-codec error.
    static func codec(for codec: CompressionCodec, column: String) throws -> Codec {
        switch codec {
        case .uncompressed: return .uncompressed
        case .snappy: return .snappy
        case .gzip: return .gzip
        case .zstd: return .zstd
        case .lzo, .brotli, .lz4, .lz4Raw:
            throw ParquetError(
                .unsupported,
                "compression codec \(codec) is not supported (supported: uncompressed, snappy, gzip, zstd)",
                column: column
            )
        }
    }

    private func error(_ kind: ParquetError.Kind, _ message: String, at offset: Int) -> ParquetError {
        ParquetError(kind, message, column: leaf.name, offset: offset)
    }

    // MARK: Pages

    /// Decodes every page and returns the column.
    mutating func decode() throws -> Column {
        let codec = try Self.codec(for: self.codec, column: leaf.name)
        reserve(rowCount)
        var position = firstPage
        while produced < rowCount {
            guard position < chunk.count else {
                throw error(
                    .corruptPage,
                    "the column chunk ends after \(produced) of its \(rowCount) values",
                    at: chunkOffset + position
                )
            }
            let pageOffset = chunkOffset + position
            let header: PageHeader
            let bodyStart: Int
            do {
                (header, bodyStart) = try PageHeader.decode(
                    chunk,
                    range: position..<chunk.count,
                    baseOffset: chunkOffset
                )
            } catch let thrift as ThriftError {
                throw error(.invalidMetadata, "page header does not decode: \(thrift.message)", at: thrift.offset)
            }
            let compressedSize = Int(header.compressedPageSize)
            let uncompressedSize = Int(header.uncompressedPageSize)
            guard compressedSize >= 0, uncompressedSize >= 0 else {
                throw error(
                    .invalidMetadata,
                    "page header has negative sizes (compressed \(compressedSize), uncompressed \(uncompressedSize))",
                    at: pageOffset
                )
            }
            guard compressedSize <= chunk.count - bodyStart else {
                throw error(
                    .invalidMetadata,
                    "page of \(compressedSize) bytes at byte \(chunkOffset + bodyStart) overruns its column chunk, "
                        + "which ends at byte \(chunkOffset + chunk.count)",
                    at: pageOffset
                )
            }
            guard uncompressedSize <= options.maximumPageSize else {
                throw error(
                    .unsupported,
                    "page declares \(uncompressedSize) uncompressed bytes, over the reader's limit of "
                        + "\(options.maximumPageSize)",
                    at: pageOffset
                )
            }
            let body = bodyStart..<bodyStart + compressedSize
            do {
                switch header.type {
                case .dictionaryPage:
                    try readDictionaryPage(header, body: body, codec: codec, at: pageOffset)
                case .dataPage:
                    try readDataPageV1(header, body: body, codec: codec, at: pageOffset)
                case .dataPageV2:
                    try readDataPageV2(header, body: body, codec: codec, at: pageOffset)
                case .indexPage:
                    break
                }
            } catch let failure as DecoderError {
                throw error(.corruptPage, "\(header.type) page: \(failure.description)", at: pageOffset)
            } catch let failure as CodecError {
                let kind: ParquetError.Kind = failure.kind == .limitExceeded ? .unsupported : .corruptPage
                throw error(kind, "\(header.type) page does not decompress: \(failure.description)", at: pageOffset)
            }
            position = body.upperBound
        }
        return try finish()
    }

    /// Decompresses `chunk[range]` into `expected` bytes (a zero-length body is never passed to the codec).
    private func decompress(_ range: Range<Int>, codec: Codec, expected: Int) throws -> [UInt8] {
        if range.isEmpty {
            guard expected == 0 else {
                throw DecoderError("the page body is empty but its header declares \(expected) uncompressed bytes")
            }
            return []
        }
        return try chunk[range].withUnsafeBytes { bytes in
            try codec.decompress(bytes, expectedLength: expected, maximumLength: options.maximumPageSize)
        }
    }

    /// The page body: the stored bytes when uncompressed (a slice of the chunk, not a copy), else the decompressed
    /// ones.
    ///
    /// Returned rather than lent to a closure: the callers append the page's values to `self` while they read the
    /// body, and a closure that mutates `self` inside a call to a method of `self` makes Swift copy `self` for
    /// that call, so the decoded arrays would be shared and every page would copy them whole.
    private func pageBody(
        _ range: Range<Int>,
        codec: Codec,
        compressed: Bool,
        expected: Int
    ) throws -> ArraySlice<UInt8> {
        if codec == .uncompressed || !compressed || range.isEmpty { return chunk[range] }
        return try decompress(range, codec: codec, expected: expected)[...]
    }

    private mutating func readDictionaryPage(
        _ header: PageHeader,
        body: Range<Int>,
        codec: Codec,
        at offset: Int
    ) throws {
        guard let dictionaryHeader = header.dictionaryPageHeader else {
            throw error(.invalidMetadata, "dictionary page without a dictionary_page_header", at: offset)
        }
        guard dictionary == nil, produced == 0 else {
            throw error(.invalidMetadata, "a second dictionary page, or one after data pages", at: offset)
        }
        guard dictionaryHeader.encoding == .plain || dictionaryHeader.encoding == .plainDictionary else {
            throw error(.unsupported, "dictionary page encoding \(dictionaryHeader.encoding)", at: offset)
        }
        let count = Int(dictionaryHeader.numValues)
        guard count >= 0 else { throw error(.invalidMetadata, "dictionary of \(count) entries", at: offset) }
        var entries = Self.emptyPhysical(leaf.physicalType)
        let pageBytes = try pageBody(body, codec: codec, compressed: true, expected: Int(header.uncompressedPageSize))
        try pageBytes.withUnsafeBytes { bytes in
            _ = try decodePlain(bytes, count: count, into: &entries)
        }
        dictionary = entries
        dictionaryCount = count
    }

    private mutating func readDataPageV1(_ header: PageHeader, body: Range<Int>, codec: Codec, at offset: Int) throws {
        guard let page = header.dataPageHeader else {
            throw error(.invalidMetadata, "data page without a data_page_header", at: offset)
        }
        let count = try checkedValueCount(page.numValues, at: offset)
        let pageBytes = try pageBody(body, codec: codec, compressed: true, expected: Int(header.uncompressedPageSize))
        try pageBytes.withUnsafeBytes { bytes in
            var cursor = 0
            var levels: [UInt32]?
            if leaf.maxDefinitionLevel > 0 {
                switch page.definitionLevelEncoding {
                case .rle:
                    guard bytes.count >= 4 else { throw DecoderError("definition levels length truncated", at: 0) }
                    let length = Int(UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self)))
                    guard length <= bytes.count - 4 else {
                        throw DecoderError(
                            "definition levels of \(length) bytes overrun the page body of \(bytes.count) bytes",
                            at: 0
                        )
                    }
                    var decoder = try RLEHybridDecoder(
                        UnsafeRawBufferPointer(rebasing: bytes[4..<4 + length]),
                        bitWidth: 1
                    )
                    levels = try decoder.decode(count: count)
                    cursor = 4 + length
                case .bitPacked:
                    let length = (count + 7) / 8
                    guard length <= bytes.count else { throw DecoderError("bit-packed definition levels truncated") }
                    levels = (0..<count).map { UInt32(bytes[$0 >> 3] >> UInt8(7 - $0 & 7) & 1) }
                    cursor = length
                default:
                    throw DecoderError("definition level encoding \(page.definitionLevelEncoding) is not supported")
                }
            }
            try appendPage(
                count: count,
                levels: levels,
                encoding: page.encoding,
                values: UnsafeRawBufferPointer(rebasing: bytes[cursor...])
            )
        }
    }

    private mutating func readDataPageV2(_ header: PageHeader, body: Range<Int>, codec: Codec, at offset: Int) throws {
        guard let page = header.dataPageHeaderV2 else {
            throw error(.invalidMetadata, "v2 data page without a data_page_header_v2", at: offset)
        }
        let count = try checkedValueCount(page.numValues, at: offset)
        let repetitionLength = Int(page.repetitionLevelsByteLength)
        let definitionLength = Int(page.definitionLevelsByteLength)
        guard repetitionLength >= 0, definitionLength >= 0, repetitionLength + definitionLength <= body.count else {
            throw error(
                .invalidMetadata,
                "v2 page level lengths (\(repetitionLength) + \(definitionLength)) overrun its \(body.count) bytes",
                at: offset
            )
        }
        let levelsLength = repetitionLength + definitionLength
        let expected = Int(header.uncompressedPageSize) - levelsLength
        guard expected >= 0 else {
            throw error(
                .invalidMetadata,
                "v2 page uncompressed size \(header.uncompressedPageSize) is smaller than its levels (\(levelsLength))",
                at: offset
            )
        }
        var levels: [UInt32]?
        if leaf.maxDefinitionLevel > 0 {
            let start = body.lowerBound + repetitionLength
            levels = try chunk[start..<start + definitionLength].withUnsafeBytes { bytes in
                var decoder = try RLEHybridDecoder(bytes, bitWidth: 1)
                return try decoder.decode(count: count)
            }
        }
        let valuesRange = body.lowerBound + levelsLength..<body.upperBound
        let pageBytes = try pageBody(
            valuesRange,
            codec: codec,
            compressed: page.isCompressed ?? true,
            expected: expected
        )
        try pageBytes.withUnsafeBytes { bytes in
            try appendPage(count: count, levels: levels, encoding: page.encoding, values: bytes)
        }
    }

    /// Checks a page's value count against the values the row group still expects.
    private func checkedValueCount(_ numValues: Int32, at offset: Int) throws -> Int {
        let count = Int(numValues)
        guard count >= 0, count <= rowCount - produced else {
            throw error(
                .invalidMetadata,
                "page holds \(count) values but only \(rowCount - produced) of the row group's \(rowCount) remain",
                at: offset
            )
        }
        return count
    }

    // MARK: Values

    /// Appends a data page: validity from `levels` (nil for required columns) and its non-null values.
    private mutating func appendPage(
        count: Int,
        levels: [UInt32]?,
        encoding: Encoding,
        values bytes: UnsafeRawBufferPointer
    ) throws {
        var nonNull = count
        if let levels {
            nonNull = 0
            for level in levels {
                guard level <= 1 else { throw DecoderError("definition level \(level) exceeds the maximum of 1") }
                nonNull += Int(level)
            }
        }
        if nonNull == count {
            // The values move out of `self` while they grow: passing `&values` to a method of `self` would copy
            // `self` for the call, so the array would be shared and copied whole on every page (quadratic in the
            // pages of a chunk: pyarrow writes pages of 20,000 rows).
            var out = values
            values = Self.emptyPhysical(leaf.physicalType)
            defer { values = out }
            try decodeValues(encoding, bytes, count: count, into: &out)
            if leaf.maxDefinitionLevel > 0 { validity.append(contentsOf: repeatElement(true, count: count)) }
        } else {
            var dense = Self.emptyPhysical(leaf.physicalType)
            try decodeValues(encoding, bytes, count: nonNull, into: &dense)
            Self.appendExpanding(dense, levels: levels!, into: &values)
            validity.reserveAdditional(count)
            for level in levels! { validity.append(level == 1) }
            hasNulls = true
        }
        produced += count
    }

    /// Decodes `count` PLAIN values; returns the bytes consumed.
    private func decodePlain(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout ColumnValues) throws -> Int {
        switch leaf.physicalType {
        case .boolean: return try out.modifyBooleans { try PlainDecoder.decodeBooleans(bytes, count: count, into: &$0) }
        case .int32: return try out.modifyInt32 { try PlainDecoder.decodeFixed(bytes, count: count, into: &$0) }
        case .int64: return try out.modifyInt64 { try PlainDecoder.decodeFixed(bytes, count: count, into: &$0) }
        case .int96: return try out.modifyInt64 { try PlainDecoder.decodeInt96(bytes, count: count, into: &$0) }
        case .float: return try out.modifyFloats { try PlainDecoder.decodeFixed(bytes, count: count, into: &$0) }
        case .double: return try out.modifyDoubles { try PlainDecoder.decodeFixed(bytes, count: count, into: &$0) }
        case .byteArray:
            return try out.modifyBytes { try PlainDecoder.decodeByteArrays(bytes, count: count, into: &$0) }
        case .fixedLenByteArray:
            return try out.modifyBytes {
                try PlainDecoder.decodeFixedLengthByteArrays(bytes, count: count, width: leaf.typeLength, into: &$0)
            }
        }
    }

    /// Decodes `count` non-null values of `encoding` and appends them to `out`.
    private func decodeValues(
        _ encoding: Encoding,
        _ bytes: UnsafeRawBufferPointer,
        count: Int,
        into out: inout ColumnValues
    ) throws {
        if count == 0 { return }
        let physical = leaf.physicalType
        switch (encoding, physical) {
        case (.plain, _):
            _ = try decodePlain(bytes, count: count, into: &out)
        case (.plainDictionary, _), (.rleDictionary, _):
            guard let dictionary else { throw DecoderError("dictionary-encoded page without a dictionary page") }
            let indices = try DictionaryDecoder.decodeIndices(bytes, count: count, dictionaryCount: dictionaryCount)
            switch dictionary {
            case .boolean(let d): out.modifyBooleans { DictionaryDecoder.gather(d, indices, into: &$0) }
            case .int32(let d): out.modifyInt32 { DictionaryDecoder.gather(d, indices, into: &$0) }
            case .int64(let d): out.modifyInt64 { DictionaryDecoder.gather(d, indices, into: &$0) }
            case .float(let d): out.modifyFloats { DictionaryDecoder.gather(d, indices, into: &$0) }
            case .double(let d): out.modifyDoubles { DictionaryDecoder.gather(d, indices, into: &$0) }
            case .bytes(let d):
                try out.modifyBytes {
                    try DictionaryDecoder.gather(d, indices, limit: options.maximumPageSize, into: &$0)
                }
            }
        case (.rle, .boolean):
            guard bytes.count >= 4 else { throw DecoderError("RLE boolean length truncated", at: 0) }
            let length = Int(UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self)))
            guard length <= bytes.count - 4 else {
                throw DecoderError(
                    "RLE booleans of \(length) bytes overrun the page (\(bytes.count - 4) remain)",
                    at: 0
                )
            }
            var decoder = try RLEHybridDecoder(UnsafeRawBufferPointer(rebasing: bytes[4..<4 + length]), bitWidth: 1)
            let decoded = try decoder.decode(count: count)
            out.modifyBooleans { booleans in
                booleans.reserveAdditional(count)
                for value in decoded { booleans.append(value != 0) }
            }
        case (.deltaBinaryPacked, .int32):
            let (decoded, _) = try DeltaBinaryPackedDecoder.decode(bytes, count: count, maximumBitWidth: 32)
            out.modifyInt32 { ints in
                ints.reserveAdditional(count)
                for value in decoded { ints.append(Int32(truncatingIfNeeded: value)) }
            }
        case (.deltaBinaryPacked, .int64):
            let (decoded, _) = try DeltaBinaryPackedDecoder.decode(bytes, count: count, maximumBitWidth: 64)
            out.modifyInt64 { ints in
                if ints.isEmpty {
                    ints = decoded
                } else {
                    ints.append(contentsOf: decoded)
                }
            }
        case (.deltaLengthByteArray, .byteArray):
            _ = try out.modifyBytes { try DeltaByteArrayDecoder.decodeLengthPrefixed(bytes, count: count, into: &$0) }
        case (.deltaByteArray, .byteArray), (.deltaByteArray, .fixedLenByteArray):
            let width = leaf.typeLength
            try out.modifyBytes { arrays in
                let first = arrays.count
                _ = try DeltaByteArrayDecoder.decodeIncremental(
                    bytes,
                    count: count,
                    limit: options.maximumPageSize,
                    into: &arrays
                )
                if physical == .fixedLenByteArray {
                    for i in first..<arrays.count where arrays.range(at: i).count != width {
                        throw DecoderError(
                            "DELTA_BYTE_ARRAY value of \(arrays.range(at: i).count) bytes in a column of width \(width)"
                        )
                    }
                }
            }
        case (.byteStreamSplit, .int32):
            try out.modifyInt32 { try ByteStreamSplitDecoder.decode(bytes, count: count, into: &$0) }
        case (.byteStreamSplit, .int64):
            try out.modifyInt64 { try ByteStreamSplitDecoder.decode(bytes, count: count, into: &$0) }
        case (.byteStreamSplit, .float):
            try out.modifyFloats { try ByteStreamSplitDecoder.decode(bytes, count: count, into: &$0) }
        case (.byteStreamSplit, .double):
            try out.modifyDoubles { try ByteStreamSplitDecoder.decode(bytes, count: count, into: &$0) }
        case (.byteStreamSplit, .fixedLenByteArray):
            try out.modifyBytes {
                try ByteStreamSplitDecoder.decodeFixedLengthByteArrays(
                    bytes,
                    count: count,
                    width: leaf.typeLength,
                    into: &$0
                )
            }
        default:
            throw DecoderError("encoding \(encoding) is not supported for \(physical) values")
        }
    }

    /// Appends `dense` (the non-null values) to `out`, with an empty slot wherever `levels` marks a null.
    static func appendExpanding(_ dense: ColumnValues, levels: [UInt32], into out: inout ColumnValues) {
        func expand<T>(_ dense: [T], _ zero: T, _ out: inout [T]) {
            out.reserveAdditional(levels.count)
            var next = 0
            for level in levels {
                if level == 1 {
                    out.append(dense[next])
                    next += 1
                } else {
                    out.append(zero)
                }
            }
        }
        switch dense {
        case .boolean(let d): out.modifyBooleans { expand(d, false, &$0) }
        case .int32(let d): out.modifyInt32 { expand(d, 0, &$0) }
        case .int64(let d): out.modifyInt64 { expand(d, 0, &$0) }
        case .float(let d): out.modifyFloats { expand(d, 0, &$0) }
        case .double(let d): out.modifyDoubles { expand(d, 0, &$0) }
        case .bytes(let d):
            // Null slots are empty, so the bytes are the dense bytes unchanged; only the offsets spread out.
            out.modifyBytes { arrays in
                let base = arrays.data.count
                arrays.data.append(contentsOf: d.data)
                d.offsets.withUnsafeBufferPointer { offsets in
                    arrays.offsets.append(count: levels.count) { ends in
                        var next = 0
                        for (k, level) in levels.enumerated() {
                            if level == 1 { next += 1 }
                            ends[k] = base + offsets[next]
                        }
                    }
                }
            }
        }
    }

    /// Reserves room for `count` more rows.
    private mutating func reserve(_ count: Int) {
        let count = min(count, 1 << 20)  // grows beyond this as pages arrive
        switch leaf.physicalType {
        case .boolean: values.modifyBooleans { $0.reserveCapacity(count) }
        case .int32: values.modifyInt32 { $0.reserveCapacity(count) }
        case .int64, .int96: values.modifyInt64 { $0.reserveCapacity(count) }
        case .float: values.modifyFloats { $0.reserveCapacity(count) }
        case .double: values.modifyDoubles { $0.reserveCapacity(count) }
        case .byteArray, .fixedLenByteArray: values.modifyBytes { $0.offsets.reserveCapacity(count + 1) }
        }
        if leaf.maxDefinitionLevel > 0 { validity.reserveCapacity(count) }
    }

    // MARK: Logical storage

    /// The decoded column, converted to the storage of its Columnar type.
    private mutating func finish() throws -> Column {
        let type = leaf.field.type
        var storage = values
        values = Self.emptyPhysical(leaf.physicalType)
        if case .decimal(let precision, _) = type {
            storage = try Self.decimalStorage(storage, precision: precision, column: leaf.name)
        } else if type == .float, leaf.physicalType == .fixedLenByteArray {
            storage = try Self.float16Storage(storage, column: leaf.name)
        }
        return Column(type: type, values: storage, validity: hasNulls ? validity : nil)
    }

    /// Converts FLOAT16 values (2-byte little-endian IEEE halves) to floats; a null's empty slot becomes 0.
    static func float16Storage(_ values: ColumnValues, column: String) throws -> ColumnValues {
        guard case .bytes(let arrays) = values else { return values }
        var floats: [Float] = []
        floats.reserveCapacity(arrays.count)
        for row in 0..<arrays.count {
            let range = arrays.range(at: row)
            if range.isEmpty {
                floats.append(0)
                continue
            }
            guard range.count == 2 else {
                throw ParquetError(
                    .corruptPage,
                    "FLOAT16 value at row \(row) has \(range.count) bytes, not 2",
                    column: column
                )
            }
            let bits = UInt16(arrays.data[range.lowerBound]) | UInt16(arrays.data[range.lowerBound + 1]) << 8
            floats.append(Float(Float16(bitPattern: bits)))
        }
        return .float(floats)
    }

    /// Converts decoded decimals to the storage ``ColumnValues`` uses for their precision.
    static func decimalStorage(_ values: ColumnValues, precision: Int, column: String) throws -> ColumnValues {
        func overflow(_ row: Int) -> ParquetError {
            ParquetError(
                .corruptPage,
                "decimal value at row \(row) does not fit precision \(precision)",
                column: column
            )
        }
        switch values {
        case .int32(let v):
            return precision <= 9 ? values : .int64(v.map(Int64.init))
        case .int64(let v):
            guard precision <= 9 else { return values }
            var narrow: [Int32] = []
            narrow.reserveCapacity(v.count)
            for (row, value) in v.enumerated() {
                guard let n = Int32(exactly: value) else { throw overflow(row) }
                narrow.append(n)
            }
            return .int32(narrow)
        case .bytes(let arrays):
            guard precision <= 18 else { return values }
            var wide: [Int64] = []
            wide.reserveCapacity(arrays.count)
            for row in 0..<arrays.count {
                let range = arrays.range(at: row)
                guard !range.isEmpty else {
                    wide.append(0)
                    continue
                }
                // Big-endian two's complement: sign-extend, then accumulate; extra leading bytes must be sign bytes.
                let negative = arrays.data[range.lowerBound] & 0x80 != 0
                var value: Int64 = negative ? -1 : 0
                for (k, i) in range.enumerated() {
                    let byte = arrays.data[i]
                    if range.count - k > 8 {
                        guard byte == (negative ? 0xFF : 0) else { throw overflow(row) }
                        continue
                    }
                    value = value << 8 | Int64(byte)
                }
                wide.append(value)
            }
            if precision <= 9 {
                var narrow: [Int32] = []
                narrow.reserveCapacity(wide.count)
                for (row, value) in wide.enumerated() {
                    guard let n = Int32(exactly: value) else { throw overflow(row) }
                    narrow.append(n)
                }
                return .int32(narrow)
            }
            return .int64(wide)
        default:
            return values
        }
    }
}

extension ColumnValues {
    // In-place access to the payload, without copying the array (the enum is emptied while `body` runs).

    @inline(__always)
    mutating func modifyBooleans<R>(_ body: (inout [Bool]) throws -> R) rethrows -> R {
        guard case .boolean(var array) = self else { preconditionFailure("storage is not boolean") }
        self = .boolean([])
        defer { self = .boolean(array) }
        return try body(&array)
    }

    @inline(__always)
    mutating func modifyInt32<R>(_ body: (inout [Int32]) throws -> R) rethrows -> R {
        guard case .int32(var array) = self else { preconditionFailure("storage is not int32") }
        self = .int32([])
        defer { self = .int32(array) }
        return try body(&array)
    }

    @inline(__always)
    mutating func modifyInt64<R>(_ body: (inout [Int64]) throws -> R) rethrows -> R {
        guard case .int64(var array) = self else { preconditionFailure("storage is not int64") }
        self = .int64([])
        defer { self = .int64(array) }
        return try body(&array)
    }

    @inline(__always)
    mutating func modifyFloats<R>(_ body: (inout [Float]) throws -> R) rethrows -> R {
        guard case .float(var array) = self else { preconditionFailure("storage is not float") }
        self = .float([])
        defer { self = .float(array) }
        return try body(&array)
    }

    @inline(__always)
    mutating func modifyDoubles<R>(_ body: (inout [Double]) throws -> R) rethrows -> R {
        guard case .double(var array) = self else { preconditionFailure("storage is not double") }
        self = .double([])
        defer { self = .double(array) }
        return try body(&array)
    }

    @inline(__always)
    mutating func modifyBytes<R>(_ body: (inout ByteArrays) throws -> R) rethrows -> R {
        guard case .bytes(var arrays) = self else { preconditionFailure("storage is not bytes") }
        self = .bytes(ByteArrays())
        defer { self = .bytes(arrays) }
        return try body(&arrays)
    }
}
