// The libFuzzer plumbing the fuzz targets share (ParquetFuzzer, CSVFuzzer): SwiftPM links its own `main` into an
// executable, so libFuzzer's `main` never runs; when the libFuzzer runtime is linked in (`-sanitize=fuzzer`), the
// target's `main` hands control to it through `LLVMFuzzerRunDriver`, found here in the executable's ELF symbol table.
// Written by hand: no package does this, and the symbol is not exported for `dlsym`.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fuzz target's entry point, `LLVMFuzzerTestOneInput`.
public typealias FuzzerCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

typealias FuzzerDriver =
    @convention(c) (
        UnsafeMutablePointer<CInt>,
        UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        FuzzerCallback
    ) -> CInt

/// The whole content of a file, or nil.
public func readFile(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = fread(&buffer, 1, buffer.count, file)
        if n <= 0 { break }
        bytes += buffer[0..<n]
    }
    return bytes
}

/// The address of `LLVMFuzzerRunDriver` in this executable, found in its ELF symbol table (the symbol is linked
/// in only by `-sanitize=fuzzer`, and is not exported for `dlsym`). Nil in a normal build.
func fuzzerDriver() -> FuzzerDriver? {
    #if os(Linux)
    guard let elf = readFile("/proc/self/exe"), elf.count >= 64, elf.starts(with: [0x7F, 0x45, 0x4C, 0x46]),
        elf[4] == 2, elf[5] == 1
    else { return nil }
    func u16(_ at: Int) -> Int { at + 2 <= elf.count ? Int(elf[at]) | Int(elf[at + 1]) << 8 : 0 }
    func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
    func u64(_ at: Int) -> Int { at + 8 <= elf.count ? u32(at) | u32(at + 4) << 32 : 0 }
    let sectionTable = u64(0x28)
    let sectionSize = u16(0x3A)
    let sectionCount = u16(0x3C)
    let name = Array("LLVMFuzzerRunDriver".utf8) + [0]
    for s in 0..<sectionCount {
        let header = sectionTable + s * sectionSize
        guard header + 64 <= elf.count, u32(header + 4) == 2 else { continue }  // SHT_SYMTAB
        let symbols = u64(header + 0x18)
        let size = u64(header + 0x20)
        let strings = sectionTable + u32(header + 0x28) * sectionSize
        guard strings + 64 <= elf.count else { continue }
        let stringsOffset = u64(strings + 0x18)
        var symbol = symbols
        while symbol + 24 <= min(symbols + size, elf.count) {
            let nameAt = stringsOffset + u32(symbol)
            if nameAt + name.count <= elf.count, elf[nameAt..<nameAt + name.count].elementsEqual(name) {
                var address = u64(symbol + 8)
                if u16(16) == 3 {  // ET_DYN (position independent): add the load address
                    // The program headers are mapped at the load address plus their file offset.
                    guard let auxv = readFile("/proc/self/auxv") else { return nil }
                    var programHeaders = 0
                    var entry = 0
                    while entry + 16 <= auxv.count {
                        let type = auxv[entry..<entry + 8].reversed().reduce(0) { $0 << 8 | Int($1) }
                        if type == 3 {  // AT_PHDR
                            programHeaders = auxv[entry + 8..<entry + 16].reversed().reduce(0) { $0 << 8 | Int($1) }
                        }
                        entry += 16
                    }
                    guard programHeaders != 0 else { return nil }
                    address += programHeaders - u64(0x20)
                }
                guard let pointer = UnsafeRawPointer(bitPattern: address) else { return nil }
                return unsafeBitCast(pointer, to: FuzzerDriver.self)
            }
            symbol += 24
        }
    }
    #endif
    return nil
}

/// Runs libFuzzer with `callback` and exits with its status when the libFuzzer runtime is linked in; returns at once
/// in a normal build (the caller then replays the files it is given).
public func runLibFuzzerIfLinked(_ callback: FuzzerCallback) {
    guard let driver = fuzzerDriver() else { return }
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(driver(&argc, &argv, callback))
}
