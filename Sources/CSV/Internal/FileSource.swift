#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file read sequentially through a POSIX descriptor.
final class FileSource: @unchecked Sendable {
    let path: String
    private let descriptor: Int32
    /// The file's size when it is a regular file.
    let size: Int?

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw CSVError(file: path, kind: .io(String(cString: strerror(errno))))
        }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw CSVError(file: path, kind: .io("is a directory"))
        }
        descriptor = fd
        size = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
    }

    deinit {
        close(descriptor)
    }

    /// Reads up to `count` bytes, fewer only at the end of the file.
    func read(into destination: UnsafeMutableRawPointer, count: Int) throws -> Int {
        var total = 0
        while total < count {
            let n = systemRead(descriptor, destination + total, count - total)
            if n < 0 {
                if errno == EINTR { continue }
                throw CSVError(file: path, kind: .io(String(cString: strerror(errno))))
            }
            if n == 0 { break }
            total += n
        }
        return total
    }
}

#if canImport(Glibc)
private let systemRead = Glibc.read
#elseif canImport(Darwin)
private let systemRead = Darwin.read
#endif
