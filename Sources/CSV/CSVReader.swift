import Columnar
import Dispatch
import Storage
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams a CSV file into typed columnar batches.
///
/// The bytes come from a ``Storage/SequentialByteSource`` (a local file, an object read in ranges), read in chunks of ``CSVOptions/chunkSize`` bytes into two reused buffers, so memory does not grow with
/// the file. Each chunk is cut at row boundaries (quote-aware) into a few parts per thread, the parts are parsed in
/// parallel straight from the bytes, and their batches are returned in file order. The reader works ahead on threads
/// of its own: while the caller consumes one chunk's batches, the next chunk is parsed, and the one after it is read
/// by whichever parsing thread is free first.
///
/// The dialect is RFC 4180: fields separated by ``CSVOptions/delimiter``; a field may be quoted with
/// ``CSVOptions/quote`` and then hold delimiters, line breaks and doubled quotes; rows end in LF or CRLF; the last row
/// may lack a line break. A UTF-8 byte-order mark is skipped, and empty lines are ignored. A quote inside an unquoted
/// field is kept as text; text after a closing quote is an error.
///
/// Line numbers in errors and rejected rows are physical lines of the file (the header is line 1), counting the
/// line breaks inside quoted fields. ``rowsRead`` is always ``rowsEmitted`` + ``rowsRejected``.
///
/// ```swift
/// let reader = try CSVReader(path: "sales.csv", columns: nil, projection: ["Date", "Opportunity Stage"])
/// while let batch = try reader.next() { … }
/// ```
public final class CSVReader {
    /// The path the reader was opened with (or the source's name, e.g. an `s3://` URL); errors name the file by it.
    public let path: String
    /// The options in use: those given, with what ``CSVOptions/detect`` asked for detected.
    public internal(set) var options: CSVOptions
    /// What the reader repaired (a header narrower or wider than the rows), one line each, for the caller to log.
    public internal(set) var warnings: [String] = []
    /// The dialect the parser reads: ``options``, or the plain dialect the slower path turns the file into.
    var plain: CSVOptions
    /// The first bytes of the (plain) stream, for the header's repair; empty unless there is a header.
    var sample: [UInt8] = []
    var sampleIsWhole = false
    /// The names of every field of the file, in file order (from the header, or `column1`, … without one).
    public private(set) var header: [String] = []
    /// The output columns with the types they are read as, in output (projection) order.
    public private(set) var columns: [CSVColumn] = []
    /// The schema of every batch: one nullable field per output column, named as in the header.
    public private(set) var schema = Schema([])
    /// Rows read so far: ``rowsEmitted`` + ``rowsRejected``.
    public private(set) var rowsRead = 0
    /// Rows rejected so far (with ``CSVOptions/OnError/reject``).
    public private(set) var rowsRejected = 0
    /// Rows returned in batches so far.
    public var rowsEmitted: Int { rowsRead - rowsRejected }
    /// Bytes of the file read so far, for progress.
    public private(set) var bytesRead = 0
    /// The size of the file when it is a regular file, for progress.
    public var fileSize: Int? { source.size }
    /// Receives every rejected row, in file order, when ``CSVOptions/onError`` is `.reject`. An error it throws ends
    /// the read. Without a handler, rejected rows are only counted.
    public var onReject: ((CSVRejectedRow) throws -> Void)?

    var source: any SequentialByteSource
    /// Two buffers of `front + chunkSize` bytes: chunks are read at offset `front`, and the unparsed end of the previous
    /// chunk (at most `maxLineBytes`) is copied just before them.
    let buffers: [UnsafeMutablePointer<UInt8>]
    let front: Int
    var current = 0
    /// The read of the next chunk into the other buffer, while the current one is parsed.
    var prefetch: Prefetch?
    /// The read of `prefetch`, until it is started: by the next parallel parse as one of its tasks (so that it does
    /// not compete with the parse threads for the cores), or on the read thread.
    var prefetchJob: (@Sendable () -> Void)?
    var buffer: UnsafeMutablePointer<UInt8> { buffers[current] }
    /// The bytes `[start, filled)` of `buffer` are read and not yet parsed.
    var start = 0
    var filled = 0
    var atEnd = false
    private var needsData = true
    /// The physical line number at `start`.
    var lineBase = 1
    /// One parser per part: up to ``partsPerThread`` per thread, taken by the threads as they become free, so that a
    /// thread slowed down by other work leaves its remaining parts to the others instead of holding up the chunk.
    /// When the caller is the slower side (the chunk parsed ahead is ready before it asks), fewer, larger parts
    /// (``fewerPartsPerThread``) cost it less per batch.
    private var parsers: [ChunkParser] = []
    private var threadCount = 1
    private static let partsPerThread = 4
    private static let fewerPartsPerThread = 2
    private var formats: [DateTimeFormat] = []
    private var pending: [RecordBatch] = []
    private var pendingIndex = 0
    private var failure: CSVError?
    /// The parse of the next chunk, running on another thread while the caller consumes the current one.
    private var ahead: ParseAhead?
    /// Whether the last chunk (or a failing one) has been taken.
    private var finished = false
    /// Bytes read by the producing side; handed to ``bytesRead`` with each chunk.
    var producedBytes = 0
    /// The reader's own threads, started when first needed: one reads ahead, one parses ahead, and the others parse
    /// the parts of a chunk after the first.
    private var readThread: WorkerThread?
    /// For the chunk in the current buffer, when it was read ahead: the number of quotes in `[front, front + n / t * k)`
    /// for `k` in `1..<t` (`n` bytes read, `t` parsers), counted on the read thread so that finding where to cut the
    /// chunk does not hold up the parse.
    private var quoteMarks: [Int] = []
    private var parseThread: WorkerThread?
    private var partThreads: [WorkerThread] = []
    /// Chunks parsed in more than one part, and parts re-parsed because a cut was not a row boundary (for tests).
    private(set) var parallelChunks = 0
    private(set) var splitFallbacks = 0

    /// Opens `path` and reads its header.
    ///
    /// - Parameters:
    ///   - columns: Types for columns named as in the header (without a header: every column, in file order). Columns
    ///     that are read but not listed are typed by ``inferSchema(path:sampleRows:options:)``; `nil` infers all.
    ///   - projection: The columns to read, in output order; `nil` reads every column. Other columns are only skipped.
    ///   - options: The dialect and reading options.
    /// - Throws: ``CSVError`` when the file cannot be opened, has no header, or lacks a named column.
    public convenience init(
        path: String,
        columns: [CSVColumn]?,
        projection: [String]? = nil,
        options: CSVOptions = CSVOptions()
    ) throws {
        let open: () throws -> any SequentialByteSource = { try LocalSequentialFileSource(path: path) }
        try self.init(name: path, options: options, open: open) { header, firstRowCount in
            try Self.layout(
                path: path,
                header: header,
                firstRowCount: firstRowCount,
                given: columns,
                projection: projection,
                options: options,
                infer: { try Self.inferSchema(path: path, options: options) }
            )
        }
    }

    /// Reads CSV from `source` (a local file, an object in a store) and reads its header; errors name the file by
    /// the source's ``Storage/SequentialByteSource/name``.
    ///
    /// - Parameters:
    ///   - source: The bytes, read once from the start on the reader's own threads (one read at a time).
    ///   - columns: Types for columns named as in the header (without a header: every column, in file order). Columns
    ///     that are read but not listed are typed by ``inferSchema(source:sampleRows:options:)`` over `reopen()`.
    ///   - projection: The columns to read, in output order; `nil` reads every column. Other columns are only skipped.
    ///   - options: The dialect and reading options.
    ///   - reopen: Opens the same bytes again from the start, for type inference; without it, every column read must
    ///     be typed by `columns`.
    /// - Throws: ``CSVError`` when the source cannot be read, has no header, lacks a named column, or has columns to
    ///   infer and no `reopen`.
    public convenience init(
        source: any SequentialByteSource,
        columns: [CSVColumn]?,
        projection: [String]? = nil,
        options: CSVOptions = CSVOptions(),
        reopen: (() throws -> any SequentialByteSource)? = nil
    ) throws {
        let name = source.name
        let open: () -> any SequentialByteSource = { source }
        try self.init(name: name, options: options, open: open) { header, firstRowCount in
            try Self.layout(
                path: name,
                header: header,
                firstRowCount: firstRowCount,
                given: columns,
                projection: projection,
                options: options,
                infer: {
                    guard let reopen else {
                        throw CSVError(
                            file: name,
                            kind: .invalidOptions(
                                "columns without a type need a second read of the source to infer them; none was given"
                            )
                        )
                    }
                    let sample: any SequentialByteSource
                    do {
                        sample = try reopen()
                    } catch {
                        throw Self.readError(error, file: name)
                    }
                    return try Self.inferSchema(source: sample, options: options)
                }
            )
        }
    }

    /// Opens the source with `open` and reads the header; `name` names the file in errors.
    init(
        name path: String,
        options: CSVOptions,
        open: () throws -> any SequentialByteSource,
        layout makeLayout: (_ header: [String]?, _ firstRowCount: Int?) throws -> Layout
    ) throws {
        try Self.validate(options, path: path)
        self.path = path
        self.options = options
        plain = options
        do {
            source = try open()
        } catch {
            throw Self.readError(error, file: path)
        }
        front = max(options.maxLineBytes, 3)
        buffers = (0..<2).map { _ in .allocate(capacity: options.maxLineBytes + options.chunkSize + 8) }
        start = front
        filled = front

        while filled - start < 4 && !atEnd { try fill() }
        try resolveDialect()

        // The byte-order mark, blank (or skipped) lines, then the first row: the header, or a sample of the field count.
        if filled - start >= 3 && buffer[start] == 0xEF && buffer[start + 1] == 0xBB && buffer[start + 2] == 0xBF {
            start += 3
        }
        var firstRow: [[UInt8]]?
        while start < filled || !atEnd {
            if start < filled && buffer[start] == UInt8(ascii: "\n") {
                start += 1
                lineBase += 1
                continue
            }
            if start + 1 < filled && buffer[start] == UInt8(ascii: "\r") && buffer[start + 1] == UInt8(ascii: "\n") {
                start += 2
                lineBase += 1
                continue
            }
            if start + 1 >= filled && !atEnd {
                try fill()
                continue
            }
            switch RowSplitter.split(
                buffer,
                from: start,
                to: filled,
                isFinal: atEnd,
                delimiter: plain.delimiter,
                quote: plain.quote
            ) {
            case .row(var fields, var next, var lines):
                if plain.hasHeader && lines > 1 {
                    // A stray quote in the header swallowed the lines after it: take the quote literally.
                    if case .row(let literal, let literalNext, let literalLines) = RowSplitter.split(
                        buffer,
                        from: start,
                        to: filled,
                        isFinal: atEnd,
                        delimiter: plain.delimiter,
                        quote: 0
                    ), literalLines == 1, literal.count == consensusWidth(after: literalNext) {
                        warnings.append("\(path):\(lineBase): the header has an unbalanced quote; it is taken as text")
                        (fields, next, lines) = (literal, literalNext, literalLines)
                    }
                }
                firstRow = fields
                if plain.hasHeader {
                    start = next
                    lineBase += lines
                }
            case .needMore:
                if filled - start > options.maxLineBytes {
                    throw CSVError(file: path, line: lineBase, kind: .lineTooLong(limit: options.maxLineBytes))
                }
                try fill()
                continue
            }
            break
        }
        needsData = start == filled
        if plain.hasHeader && firstRow == nil { throw CSVError(file: path, kind: .missingHeader) }
        var headerNames = plain.hasHeader ? firstRow!.map { String(decoding: $0, as: UTF8.self) } : nil
        if let names = headerNames {
            headerNames = repairHeader(names)
        }
        var layout: Layout
        do {
            layout = try makeLayout(headerNames, firstRow?.count)
        } catch var error as CSVError {
            error.file = path
            throw error
        }
        var compiled: (plans: [FieldPlan], formats: [DateTimeFormat])
        do {
            compiled = try layout.plans()
        } catch var error as CSVError {
            error.file = path
            throw error
        }
        header = layout.names
        columns = layout.columns
        schema = layout.schema
        formats = compiled.formats
        let typeNames = layout.conversions.map { $0?.description ?? "" }
        let slotTypes = layout.columns.enumerated().map { index, column in
            let field = layout.slots.firstIndex(of: index)!
            return (schema.fields[index].type, compiled.plans[field].conversion)
        }
        let threads = max(1, min(64, options.threads ?? Self.processorCount))
        threadCount = threads
        parsers = (0..<(threads == 1 ? 1 : threads * Self.partsPerThread)).map { _ in
            ChunkParser(
                file: path,
                names: layout.names,
                typeNames: typeNames,
                plans: compiled.plans,
                slotTypes: slotTypes,
                schema: schema,
                options: plain
            )
        }
    }

    deinit {
        ahead?.group.wait()
        if prefetchJob == nil { prefetch?.group.wait() }
        readThread?.stopAndWait()
        parseThread?.stopAndWait()
        for thread in partThreads { thread.stopAndWait() }
        for buffer in buffers { buffer.deallocate() }
    }

    /// The next batch of rows, or `nil` at the end of the file.
    ///
    /// - Throws: ``CSVError`` for the first bad row when ``CSVOptions/onError`` is `.fail` (and again on every later
    ///   call), for a row longer than ``CSVOptions/maxLineBytes``, for a read error, or what ``onReject`` throws.
    public func next() throws -> RecordBatch? {
        while pendingIndex == pending.count {
            if let failure { throw failure }
            if finished { return nil }
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            try accept(takeChunk())
        }
        defer { pendingIndex += 1 }
        return pending[pendingIndex]
    }

    /// Reads every remaining batch.
    public func readAll() throws -> [RecordBatch] {
        var batches: [RecordBatch] = []
        while let batch = try next() { batches.append(batch) }
        return batches
    }

    // MARK: - Reading

    static var processorCount: Int {
        #if canImport(Glibc) || canImport(Darwin)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }

    private static func validate(_ options: CSVOptions, path: String) throws {
        func invalid(_ message: String) -> CSVError { CSVError(file: path, kind: .invalidOptions(message)) }
        if let problem = options.problem { throw invalid(problem) }
    }

    /// `error`, a failure of the source, as a ``CSVError`` of kind ``CSVError/Kind/io`` naming `file`.
    static func readError(_ error: any Error, file: String) -> CSVError {
        switch error {
        case let error as CSVError: error
        case let error as StorageError: CSVError(file: file, kind: .io(error.message))
        default: CSVError(file: file, kind: .io("\(error)"))
        }
    }

    /// Switches to the other buffer holding the next chunk (read ahead, or read now), with the unparsed bytes of the
    /// current one copied in front of it, and starts reading the chunk after.
    func fill() throws {
        let other = 1 - current
        let count: Int
        if let pending = prefetch {
            startPrefetch()
            pending.group.wait()
            prefetch = nil
            if let error = pending.error { throw Self.readError(error, file: path) }
            count = pending.count
            quoteMarks = pending.quoteMarks
        } else {
            do {
                count = try source.read(into: buffers[other] + front, count: plain.chunkSize)
            } catch {
                throw Self.readError(error, file: path)
            }
            quoteMarks = []
        }
        let unparsed = filled - start
        precondition(unparsed <= front, "unparsed bytes exceed the line limit")
        (buffers[other] + front - unparsed).update(from: buffer + start, count: unparsed)
        current = other
        start = front - unparsed
        filled = front + count
        producedBytes += count
        if count < plain.chunkSize {
            atEnd = true
        } else {
            let pending = Prefetch()
            // One read at a time: this one is waited for before the next is started.
            let source = Prefetch.Source(source: self.source)
            let target = Prefetch.Target(pointer: buffers[1 - current] + front)
            let size = plain.chunkSize
            let threads = parsers.count
            let quote = plain.quote
            pending.group.enter()
            prefetchJob = {
                do {
                    pending.count = try source.source.read(into: target.pointer, count: size)
                    pending.quoteMarks = Self.quoteMarks(
                        UnsafePointer(target.pointer),
                        count: pending.count,
                        threads: threads,
                        quote: quote
                    )
                } catch {
                    pending.error = error
                }
                pending.group.leave()
            }
            prefetch = pending
        }
    }

    /// Starts the read ahead on the read thread, unless it is started.
    private func startPrefetch() {
        guard let job = prefetchJob else { return }
        prefetchJob = nil
        if readThread == nil { readThread = WorkerThread(name: "csv-read") }
        readThread!.submit(job)
    }

    // MARK: - Chunks

    /// The next parsed chunk: the one parsed ahead, or one parsed now. The parse of the chunk after it starts on
    /// another thread, so that it overlaps the caller's work on this one.
    private func takeChunk() -> ParsedChunk {
        let chunk: ParsedChunk
        var partsPerThread = Self.partsPerThread
        if let ahead {
            if ahead.group.wait(timeout: .now()) == .success {
                partsPerThread = Self.fewerPartsPerThread
            } else {
                ahead.group.wait()
            }
            chunk = ahead.result
            self.ahead = nil
        } else {
            chunk = produce(partsPerThread: partsPerThread)
        }
        if chunk.isLast {
            finished = true
        } else {
            let ahead = ParseAhead()
            let producer = Producer(reader: self)
            let parts = partsPerThread
            ahead.group.enter()
            if parseThread == nil { parseThread = WorkerThread(name: "csv-parse") }
            parseThread!.submit {
                ahead.result = producer.reader.produce(partsPerThread: parts)
                ahead.group.leave()
            }
            self.ahead = ahead
        }
        return chunk
    }

    /// Hands a chunk's batches to `next()`, counts its rows, passes on its rejects and records its failure.
    private func accept(_ chunk: ParsedChunk) throws {
        pending.append(contentsOf: chunk.batches)
        rowsRead += chunk.rowsSeen
        bytesRead = chunk.bytesRead
        for rejected in chunk.rejects {
            rowsRejected += 1
            if let onReject {
                do {
                    try onReject(rejected)
                } catch {
                    failure = CSVError(file: path, line: rejected.lineNumber, kind: .io("reject handler: \(error)"))
                    throw error
                }
            }
        }
        if let error = chunk.error {
            // Rows before the bad one are still returned; `next()` throws once they are.
            failure = error
        }
    }

    /// Reads a chunk when needed and parses what is buffered (the producing side: it alone touches the buffers, the
    /// parsers and the read position, on one thread at a time).
    private func produce(partsPerThread: Int) -> ParsedChunk {
        var chunk = ParsedChunk()
        do {
            if needsData && !atEnd {
                if filled - start > options.maxLineBytes {
                    throw CSVError(file: path, line: lineBase, kind: .lineTooLong(limit: options.maxLineBytes))
                }
                try fill()
            }
            needsData = true
            parseBuffered(into: &chunk, partsPerThread: partsPerThread)
        } catch let error as CSVError {
            chunk.error = error
        } catch {
            chunk.error = CSVError(file: path, kind: .io("\(error)"))
        }
        chunk.bytesRead = producedBytes
        chunk.isLast = chunk.error != nil || (atEnd && start == filled)
        return chunk
    }

    /// Where to cut `[start, filled)` into `partsPerThread` parts per thread (one per thread for a short chunk): after
    /// line feeds that quote parity says are outside quotes. A wrong guess (stray quotes inside unquoted fields) is
    /// caught when the part before it does not end exactly there.
    private func splitPoints(partsPerThread: Int) -> [Int] {
        let length = filled - start
        let minimumPart = 32 * 1024
        let wanted = min(parsers.count, threadCount * partsPerThread)
        let threads =
            length >= wanted * minimumPart
            ? wanted : length >= threadCount * minimumPart ? threadCount : 1
        guard threads > 1 else { return [start, filled] }
        let quote = plain.quote
        let lf = UInt8(ascii: "\n")
        var points = [start]
        var position = start
        // Marks are counted for one part per parser; `stride` of them make one of these parts.
        let stride = parsers.count / threads
        let marked = quoteMarks.count == parsers.count - 1 && stride * threads == parsers.count
        // With marks, quotes are counted from `front`: those between `start` and `front` decide the parity too.
        let leftoverQuotes =
            !marked
            ? 0
            : start <= front
                ? ByteParsing.count(quote, buffer + start, buffer + front)
                : ByteParsing.count(quote, buffer + front, buffer + start)
        for k in 1..<threads {
            let target = marked ? front + (filled - front) / parsers.count * (k * stride) : start + length / threads * k
            guard target > position, target < filled else { continue }
            var parity =
                marked
                ? (leftoverQuotes + quoteMarks[k * stride - 1]) & 1
                : ByteParsing.count(quote, buffer + position, buffer + target) & 1
            var i = target
            while i < filled {
                let c = buffer[i]
                if c == quote {
                    parity ^= 1
                } else if c == lf && parity == 0 {
                    break
                }
                i += 1
            }
            guard i + 1 < filled else { break }
            position = i + 1
            points.append(position)
        }
        points.append(filled)
        return points
    }

    /// The number of quotes in `[start, start + count / threads * k)` for `k` in `1..<threads`.
    private static func quoteMarks(_ start: UnsafePointer<UInt8>, count: Int, threads: Int, quote: UInt8) -> [Int] {
        guard threads > 1 else { return [] }
        var marks: [Int] = []
        var position = start
        var total = 0
        for k in 1..<threads {
            let target = start + count / threads * k
            total += ByteParsing.count(quote, position, target)
            marks.append(total)
            position = target
        }
        return marks
    }

    private func parseBuffered(into chunk: inout ParsedChunk, partsPerThread: Int) {
        let points = splitPoints(partsPerThread: partsPerThread)
        let base = UnsafePointer(buffer)
        let isFinal = atEnd
        var line = lineBase
        if points.count == 2 {
            startPrefetch()
            parsers[0].parse(base, from: start, to: filled, isFinal: isFinal)
            collect(parsers[0], into: &chunk, lineOffset: &line)
            start = parsers[0].consumed
            lineBase = line
            return
        }

        let parts = points.count - 1
        parallelChunks += 1
        // The read ahead is the first task: one thread reads while the others parse, then it parses too.
        let work = ParallelParse(parsers: parsers, base: base, points: points, isFinal: isFinal, read: prefetchJob)
        prefetchJob = nil
        let helpers = min(threadCount, parts) - 1
        while partThreads.count < helpers { partThreads.append(WorkerThread(name: "csv-part")) }
        let group = DispatchGroup()
        for thread in partThreads.prefix(helpers) {
            group.enter()
            thread.submit {
                work.runTasks()
                group.leave()
            }
        }
        work.runTasks()
        group.wait()
        for k in 0..<parts {
            let parser = parsers[k]
            collect(parser, into: &chunk, lineOffset: &line)
            if chunk.error != nil { return }
            if k < parts - 1 && parser.consumed != points[k + 1] {
                // The cut was not a row boundary: parse the rest in one piece.
                splitFallbacks += 1
                let resume = parser.consumed
                parsers[0].parse(base, from: resume, to: filled, isFinal: isFinal)
                collect(parsers[0], into: &chunk, lineOffset: &line)
                start = parsers[0].consumed
                lineBase = line
                return
            }
        }
        start = parsers[parts - 1].consumed
        lineBase = line
    }

    /// Adds a parser's batches, rejects (with absolute line numbers) and failure to `chunk`.
    private func collect(_ parser: ChunkParser, into chunk: inout ParsedChunk, lineOffset line: inout Int) {
        chunk.batches.append(contentsOf: parser.batches)
        chunk.rowsSeen += parser.rowsSeen
        let offset = line
        line += parser.lines
        for var rejected in parser.rejects {
            rejected.lineNumber += offset
            rejected.error.line = rejected.lineNumber
            chunk.rejects.append(rejected)
        }
        if var error = parser.failure {
            error.line = (error.line ?? 0) + offset
            chunk.error = error
        }
    }
}

/// The results of parsing one chunk, handed from the producing thread to the caller's.
private struct ParsedChunk: Sendable {
    var batches: [RecordBatch] = []
    /// Rejected rows with absolute line numbers.
    var rejects: [CSVRejectedRow] = []
    /// Rows emitted plus rejected.
    var rowsSeen = 0
    /// The bytes of the file read so far.
    var bytesRead = 0
    /// The first bad row, a row that is too long, or a read error: it ends the read after `batches`.
    var error: CSVError?
    /// Whether no chunk follows.
    var isLast = false
}

/// A chunk being parsed on another thread; `result` is written before `group` is left and read after it is waited.
private final class ParseAhead: @unchecked Sendable {
    let group = DispatchGroup()
    var result = ParsedChunk()
}

/// The reader, handed to the thread that parses ahead; only the producing side of it is used there. It does not keep
/// the reader alive: the reader's deinit waits for the parse ahead and then for the thread to end, so the reader is
/// always released on its caller's thread, after everything its threads held.
private struct Producer: @unchecked Sendable {
    unowned(unsafe) let reader: CSVReader
}

/// A chunk being read on another thread; its fields are written before `group` is left and read after it is waited.
final class Prefetch: @unchecked Sendable {
    struct Target: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<UInt8>
    }

    /// The reader's source, handed to the read thread while the reader waits for the read before its next one.
    struct Source: @unchecked Sendable {
        let source: any SequentialByteSource
    }

    let group = DispatchGroup()
    var count = 0
    var error: Error?
    var quoteMarks: [Int] = []
}

/// The work of one parallel parse, shared by the parsing threads: the read ahead (if any) and the parts, each taken
/// by the next thread free, so that each part (and its parser) is touched by one thread.
private final class ParallelParse: @unchecked Sendable {
    let parsers: [ChunkParser]
    let base: UnsafePointer<UInt8>
    let points: [Int]
    let isFinal: Bool
    let read: (@Sendable () -> Void)?
    private let nextTask = Atomic<Int>(0)

    init(
        parsers: [ChunkParser],
        base: UnsafePointer<UInt8>,
        points: [Int],
        isFinal: Bool,
        read: (@Sendable () -> Void)?
    ) {
        self.parsers = parsers
        self.base = base
        self.points = points
        self.isFinal = isFinal
        self.read = read
    }

    /// Runs tasks until none is left.
    func runTasks() {
        let parts = points.count - 1
        let first = read == nil ? 0 : 1
        while true {
            let task = nextTask.add(1, ordering: .relaxed).oldValue
            if task < first {
                read!()
                continue
            }
            let k = task - first
            guard k < parts else { return }
            let last = k == parts - 1
            parsers[k].parse(base, from: points[k], to: points[k + 1], isFinal: last ? isFinal : false)
        }
    }
}
