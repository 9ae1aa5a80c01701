#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A local file (or a pipe) read sequentially through a POSIX descriptor; it closes when the source is released.
public final class LocalSequentialFileSource: SequentialByteSource {
    /// The path, as given.
    public let path: String
    /// The file's size when it is a regular file.
    public let size: Int?
    private let descriptor: Int32
    /// The offset of the next byte, for errors.
    private var position = 0

    public var name: String { path }

    /// Opens `path` for reading; anything but a directory can be read (a regular file, a FIFO, a device).
    ///
    /// - Throws: ``StorageError`` with the `errno` text when the file cannot be opened, or when it is a directory.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw StorageError(openFailureKind(code), name: path, message: errnoText(code))
        }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            _ = systemClose(fd)
            throw StorageError(name: path, message: "is a directory")
        }
        descriptor = fd
        size = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
    }

    deinit { _ = systemClose(descriptor) }

    public func read(into destination: UnsafeMutableRawPointer, count: Int) throws -> Int {
        var total = 0
        while total < count {
            let n = systemRead(descriptor, destination + total, count - total)
            if n < 0 {
                if errno == EINTR { continue }
                throw StorageError(name: path, offset: position + total, message: errnoText())
            }
            if n == 0 { break }
            total += n
        }
        position += total
        return total
    }
}
