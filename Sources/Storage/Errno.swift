#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The system's text for `code` (by default the current `errno`), e.g. "No such file or directory".
func errnoText(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}

/// The kind of a failure to open a file, by its `errno`.
func openFailureKind(_ code: Int32) -> StorageError.Kind {
    code == ENOENT ? .notFound : .io
}

#if canImport(Glibc)
let systemClose = Glibc.close
let systemRead = Glibc.read
let systemWrite = Glibc.write
#elseif canImport(Musl)
let systemClose = Musl.close
let systemRead = Musl.read
let systemWrite = Musl.write
#elseif canImport(Darwin)
let systemClose = Darwin.close
let systemRead = Darwin.read
let systemWrite = Darwin.write
#endif
