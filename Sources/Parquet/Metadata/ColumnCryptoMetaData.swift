/// How an encrypted column chunk is encrypted (a union). Sluice neither writes nor decrypts encrypted files;
/// the type exists so the footer can be represented faithfully.
public enum ColumnCryptoMetaData: Sendable, Hashable {
    case encryptionWithFooterKey  // 1
    case encryptionWithColumnKey(pathInSchema: [String], keyMetadata: [UInt8]?)  // 2
    /// A union member this implementation does not know.
    case other(fieldID: Int16)
}

/// Parameters of the AES-GCM encryption algorithms.
public struct AesGcmParameters: Sendable, Hashable {
    /// Field 1.
    public var aadPrefix: [UInt8]?
    /// Field 2.
    public var aadFileUnique: [UInt8]?
    /// Field 3.
    public var supplyAadPrefix: Bool?

    public init(aadPrefix: [UInt8]? = nil, aadFileUnique: [UInt8]? = nil, supplyAadPrefix: Bool? = nil) {
        self.aadPrefix = aadPrefix
        self.aadFileUnique = aadFileUnique
        self.supplyAadPrefix = supplyAadPrefix
    }
}

/// The encryption algorithm of a file (a union).
public enum EncryptionAlgorithm: Sendable, Hashable {
    case aesGcmV1(AesGcmParameters)  // 1
    case aesGcmCtrV1(AesGcmParameters)  // 2
    /// A union member this implementation does not know.
    case other(fieldID: Int16)
}
