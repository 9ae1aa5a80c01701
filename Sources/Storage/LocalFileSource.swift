#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A local file read with positional reads (`pread`); the descriptor closes when the source is released.
///
/// Reads are positional, so one source serves concurrent readers.
public final class LocalFileSource: ByteSource {
    /// The path, as given.
    public let path: String
    public let size: Int
    private let descriptor: Int32

    public var name: String { path }

    /// Opens the regular file at `path` for reading.
    ///
    /// - Throws: ``StorageError`` when the file cannot be opened or is not a regular file.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw StorageError(openFailureKind(code), name: path, message: "cannot open the file: \(errnoText(code))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = errnoText()
            _ = systemClose(fd)
            throw StorageError(name: path, message: "cannot stat the file: \(reason)")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            _ = systemClose(fd)
            throw StorageError(name: path, message: "not a regular file")
        }
        self.descriptor = fd
        self.size = Int(info.st_size)
    }

    deinit { _ = systemClose(descriptor) }

    public func read(at offset: Int, count: Int) throws -> [UInt8] {
        precondition(offset >= 0 && count >= 0 && offset <= size - count, "read outside the file")
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let n = pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw StorageError(name: path, offset: offset + done, message: "read failed: \(errnoText())")
                }
                if n == 0 {
                    throw StorageError(
                        .truncated,
                        name: path,
                        offset: offset + done,
                        message: "the file shrank while being read"
                    )
                }
                done += n
            }
            initialized = count
        }
    }
}
