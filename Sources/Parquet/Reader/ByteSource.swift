#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Random-access bytes that the reader pulls ranges from: a file read with `pread`, or bytes in memory.
///
/// Reads are positional, so one source serves concurrent readers.
protocol ByteSource: Sendable {
    /// The total size in bytes.
    var size: Int { get }
    /// Reads `count` bytes at `offset`; the range must lie within ``size``.
    func read(at offset: Int, count: Int) throws -> [UInt8]
}

/// An open file read with positional reads; the descriptor closes when the source is released.
final class FileByteSource: ByteSource {
    let path: String
    let size: Int
    private let descriptor: Int32

    /// Opens `path` for reading.
    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw ParquetError(.io, "cannot open the file: \(reason)", path: path)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ParquetError(.io, "cannot stat the file: \(reason)", path: path)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw ParquetError(.io, "not a regular file", path: path)
        }
        self.descriptor = fd
        self.size = Int(info.st_size)
    }

    deinit { close(descriptor) }

    func read(at offset: Int, count: Int) throws -> [UInt8] {
        precondition(offset >= 0 && count >= 0 && offset <= size - count, "read outside the file")
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let n = pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    let reason = String(cString: strerror(errno))
                    throw ParquetError(.io, "read failed: \(reason)", path: path, offset: offset + done)
                }
                if n == 0 {
                    throw ParquetError(
                        .truncated,
                        "the file shrank while being read",
                        path: path,
                        offset: offset + done
                    )
                }
                done += n
            }
            initialized = count
        }
    }
}

/// Bytes held in memory (tests, the fuzzer, data already downloaded).
struct MemoryByteSource: ByteSource {
    let bytes: [UInt8]
    var size: Int { bytes.count }

    func read(at offset: Int, count: Int) throws -> [UInt8] {
        precondition(offset >= 0 && count >= 0 && offset <= size - count, "read outside the buffer")
        return Array(bytes[offset..<offset + count])
    }
}
