extension Array where Element == UInt8 {
    /// `withUnsafeBytes` that keeps the typed `CodecError` (the standard one rethrows `any Error`).
    @inline(__always)
    func withCodecBytes<Result>(
        _ body: (UnsafeRawBufferPointer) throws(CodecError) -> Result
    ) throws(CodecError) -> Result {
        let result = withUnsafeBytes { buffer in
            Swift.Result { () throws(CodecError) in try body(buffer) }
        }
        return try result.get()
    }
}
