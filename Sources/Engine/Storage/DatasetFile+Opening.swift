import Parquet
import S3
import Storage

extension DatasetFile {
    /// A Parquet reader of this file: local files read with `pread`, S3 objects with coalesced ranged GETs (no
    /// HeadObject: the listing gave the size and ETag).
    public func parquetReader(store: ObjectStore?) throws -> ParquetReader {
        switch location {
        case .local(let path):
            return try ParquetReader(path: path)
        case .s3(let object):
            let client = try Self.client(store, for: object)
            return try ParquetReader(source: S3ByteSource(client: client, location: object, size: size, eTag: eTag))
        }
    }

    /// This file's bytes front to back, for the CSV reader: a new source at each call.
    public func sequentialSource(store: ObjectStore?) throws -> any SequentialByteSource {
        switch location {
        case .local(let path):
            return try LocalSequentialFileSource(path: path)
        case .s3(let object):
            let client = try Self.client(store, for: object)
            let options = store?.readOptions ?? ObjectStore.ReadOptions()
            return S3SequentialSource(
                client: client,
                location: object,
                size: size,
                eTag: eTag,
                blockSize: options.blockSize,
                readAhead: options.readAhead,
                bufferLimit: options.bufferLimit
            )
        }
    }

    private static func client(_ store: ObjectStore?, for object: S3Location) throws -> S3Client {
        guard let store else { throw JobError("\(object): S3 is not available here") }
        return try store.s3()
    }
}
