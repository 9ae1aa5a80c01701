#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened for writing from the start, tracking the write position.
final class FileOutput {
    let path: String
    private var descriptor: Int32
    /// The number of bytes written so far (the offset of the next byte).
    private(set) var offset: Int64 = 0

    /// Creates or truncates the file at `path`.
    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ParquetError(.io, "cannot create the file: \(String(cString: strerror(errno)))", path: path)
        }
    }

    deinit {
        if descriptor >= 0 { _ = systemClose(descriptor) }
    }

    /// Writes all of `bytes`.
    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { (buffer) in try write(buffer) }
    }

    /// Writes all of `buffer`, retrying partial writes and interruptions.
    func write(_ buffer: UnsafeRawBufferPointer) throws {
        guard descriptor >= 0 else { throw ParquetError(.io, "the file is closed", path: path) }
        var done = 0
        while done < buffer.count {
            let result = systemWrite(descriptor, buffer.baseAddress! + done, buffer.count - done)
            if result < 0 {
                if errno == EINTR { continue }
                throw ParquetError(
                    .io,
                    "write failed: \(String(cString: strerror(errno)))",
                    path: path,
                    offset: Int(offset) + done
                )
            }
            done += result
        }
        offset += Int64(buffer.count)
    }

    /// Closes the file, reporting a failed close (which can mean lost data).
    func close() throws {
        guard descriptor >= 0 else { return }
        let result = systemClose(descriptor)
        descriptor = -1
        if result != 0 {
            throw ParquetError(.io, "close failed: \(String(cString: strerror(errno)))", path: path)
        }
    }
}

#if canImport(Glibc)
private let systemClose = Glibc.close
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemClose = Darwin.close
private let systemWrite = Darwin.write
#endif
