import Storage

/// Bytes already read from a source, then the rest of the source.
final class ReplaySource: SequentialByteSource {
    private let inner: any SequentialByteSource
    private var prefix: [UInt8]
    private var offset = 0

    var name: String { inner.name }
    var size: Int? { inner.size }

    init(prefix: [UInt8], then inner: any SequentialByteSource) {
        self.prefix = prefix
        self.inner = inner
    }

    func read(into destination: UnsafeMutableRawPointer, count: Int) throws -> Int {
        var done = 0
        if offset < prefix.count {
            done = min(count, prefix.count - offset)
            prefix.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress! + offset, byteCount: done) }
            offset += done
            if offset == prefix.count { prefix = [] }
            if done == count { return done }
        }
        return done + (try inner.read(into: destination + done, count: count - done))
    }
}

/// Reads a CSV file of any dialect the options describe and hands on the same table in the plain dialect: UTF-8,
/// `,` between fields, `"` quotes escaped by doubling, `\n` after each row. Skipped and comment lines become empty
/// lines, and lone `\r` row ends become `\n`, so that line numbers stay those of the file.
final class NormalizingSource: SequentialByteSource {
    private let inner: any SequentialByteSource
    private var transcoder: Transcoder
    private var tokenizer: DialectTokenizer
    /// Decoded bytes not yet tokenized.
    private var decoded: [UInt8] = []
    private var raw: [UInt8]
    private var writer = PlainWriter()
    private var outputOffset = 0
    private var innerDone = false
    private var finished = false
    private let maxLineBytes: Int

    var name: String { inner.name }
    var size: Int? { inner.size }

    /// The options the plain parser reads the output with.
    static func plainOptions(_ options: CSVOptions) -> CSVOptions {
        var plain = options
        plain.delimiterBytes = [UInt8(ascii: ",")]
        plain.quote = UInt8(ascii: "\"")
        plain.escape = nil
        plain.lineTerminator = .lf
        plain.skipLines = 0
        plain.comment = nil
        plain.encoding = .utf8
        plain.detect = []
        return plain
    }

    init(_ inner: any SequentialByteSource, options: CSVOptions) {
        self.inner = inner
        transcoder = Transcoder(options.encoding)
        tokenizer = DialectTokenizer(options: options)
        maxLineBytes = options.maxLineBytes
        raw = Array(repeating: 0, count: 1 << 16)
    }

    func read(into destination: UnsafeMutableRawPointer, count: Int) throws -> Int {
        var done = 0
        while done < count {
            let available = writer.out.count - outputOffset
            if available > 0 {
                let n = min(available, count - done)
                writer.out.withUnsafeBytes {
                    (destination + done).copyMemory(from: $0.baseAddress! + outputOffset, byteCount: n)
                }
                outputOffset += n
                done += n
                continue
            }
            writer.out.removeAll(keepingCapacity: true)
            outputOffset = 0
            if finished { break }
            try produce()
        }
        return done
    }

    /// Reads and tokenizes the next piece of the file into `writer.out`.
    private func produce() throws {
        if !innerDone {
            let n = try raw.withUnsafeMutableBytes { try inner.read(into: $0.baseAddress!, count: $0.count) }
            if n < raw.count { innerDone = true }
            raw.withUnsafeBufferPointer {
                transcoder.decode(UnsafeBufferPointer(rebasing: $0[..<n]), isFinal: innerDone, into: &decoded)
            }
        }
        let consumed = decoded.withUnsafeBufferPointer {
            tokenizer.process(
                $0.baseAddress ?? UnsafePointer(bitPattern: 1)!,
                count: $0.count,
                isFinal: innerDone,
                into: &writer
            )
        }
        decoded.removeFirst(consumed)
        if tokenizer.pendingFieldBytes > maxLineBytes {
            // As on the plain path, a row longer than the limit (an unterminated quote?) ends the read.
            throw CSVError(file: inner.name, line: tokenizer.rowStartLines + 1, kind: .lineTooLong(limit: maxLineBytes))
        }
        if innerDone { finished = true }
    }
}

/// Writes tokens in the plain dialect.
struct PlainWriter: DialectSink {
    var out: [UInt8] = []
    private var fieldsInRow = 0

    mutating func field(_ bytes: [UInt8], quoted: Bool) {
        if fieldsInRow > 0 { out.append(UInt8(ascii: ",")) }
        fieldsInRow += 1
        let needsQuotes =
            quoted
            || bytes.contains {
                $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n")
                    || $0 == UInt8(ascii: "\r")
            }
        guard needsQuotes else {
            out.append(contentsOf: bytes)
            return
        }
        out.append(UInt8(ascii: "\""))
        for byte in bytes {
            out.append(byte)
            if byte == UInt8(ascii: "\"") { out.append(byte) }
        }
        out.append(UInt8(ascii: "\""))
    }

    mutating func endRow(lines: Int) {
        out.append(UInt8(ascii: "\n"))
        fieldsInRow = 0
    }

    mutating func blankLine(lines: Int) {
        out.append(UInt8(ascii: "\n"))
    }
}
