#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A local file written from the start: created or truncated when the sink opens, closed by ``close()``, removed
/// by ``abort()``.
///
/// Writes go straight to the descriptor (no buffering of its own: the writers hand over large buffers).
public final class LocalFileSink: ByteSink {
    /// The path, as given.
    public let path: String
    private var descriptor: Int32
    /// Whether ``close()`` succeeded: the file is complete and ``abort()`` leaves it.
    private var isComplete = false
    /// The number of bytes written so far (the offset of the next byte).
    public private(set) var offset = 0

    public var name: String { path }

    /// Creates or truncates the file at `path` (mode 0644 before the umask).
    ///
    /// - Throws: ``StorageError`` with the `errno` text when the file cannot be created.
    public init(path: String) throws {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let code = errno
            throw StorageError(openFailureKind(code), name: path, message: "cannot create the file: \(errnoText(code))")
        }
    }

    deinit {
        if descriptor >= 0 { _ = systemClose(descriptor) }
    }

    /// Writes all of `bytes`, retrying partial writes and interruptions.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard descriptor >= 0 else { throw StorageError(name: path, offset: offset, message: "the file is closed") }
        var done = 0
        while done < bytes.count {
            let result = systemWrite(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if result < 0 {
                if errno == EINTR { continue }
                throw StorageError(name: path, offset: offset + done, message: "write failed: \(errnoText())")
            }
            done += result
        }
        offset += bytes.count
    }

    /// Closes the file, reporting a failed close (which can mean lost data). Closing it again does nothing.
    public func close() throws {
        guard descriptor >= 0 else {
            if isComplete { return }
            throw StorageError(name: path, message: "the file is closed")
        }
        let result = systemClose(descriptor)
        descriptor = -1
        if result != 0 { throw StorageError(name: path, message: "close failed: \(errnoText())") }
        isComplete = true
    }

    /// Closes the file if it is open and removes it, unless ``close()`` completed it.
    public func abort() {
        if descriptor >= 0 {
            _ = systemClose(descriptor)
            descriptor = -1
        }
        if !isComplete { _ = unlink(path) }
    }
}
