import AWS
import Engine
import Foundation
import Logging

/// The help text shared by the commands that reach S3.
let s3EnvironmentHelp = """
    s3://bucket/key names an object and s3://bucket/prefix (with or without the trailing slash) a dataset. \
    Credentials and region come from the standard chain (as for Step Functions); AWS_ENDPOINT_URL_S3 or \
    AWS_ENDPOINT_URL overrides the endpoint (path-style addressing for an IP or localhost endpoint, or with \
    AWS_S3_FORCE_PATH_STYLE=true). SLUICE_S3_PART_SIZE (e.g. 16MiB, at least 5MiB against AWS) sets the \
    multipart part size of uploads. A CSV object is read as one streamed GET per SLUICE_S3_READ_BLOCK_SIZE \
    (default 1GiB), SLUICE_S3_READ_AHEAD (default 2) of them at once, each holding at most 8 MiB the parser has \
    not taken: a block of a few MiB with more read-ahead spreads one object over several connections.
    """

/// The object store of one command: its S3 client is created only when an `s3://` location is used.
func makeObjectStore(logger: Logger) throws -> ObjectStore {
    var options = ObjectStore.UploadOptions()
    if let text = ProcessInfo.processInfo.environment["SLUICE_S3_PART_SIZE"] {
        guard let size = ByteCount(argument: text) else {
            throw CommandFailure("SLUICE_S3_PART_SIZE: expected a size such as 16MiB, got \"\(text)\"")
        }
        options.partSize = size.bytes
    }
    var reading = ObjectStore.ReadOptions()
    if let text = ProcessInfo.processInfo.environment["SLUICE_S3_READ_BLOCK_SIZE"] {
        guard let size = ByteCount(argument: text), size.bytes > 0 else {
            throw CommandFailure("SLUICE_S3_READ_BLOCK_SIZE: expected a size such as 8MiB, got \"\(text)\"")
        }
        reading.blockSize = size.bytes
    }
    if let text = ProcessInfo.processInfo.environment["SLUICE_S3_READ_AHEAD"] {
        guard let count = Int(text), count > 0 else {
            throw CommandFailure("SLUICE_S3_READ_AHEAD: expected a number of GETs such as 4, got \"\(text)\"")
        }
        reading.readAhead = count
    }
    return ObjectStore(environment: AWSEnvironment(), uploadOptions: options, readOptions: reading, logger: logger)
}

/// Runs `body` with an object store and shuts the store down afterwards, whatever happens.
func withObjectStore<T>(logger: Logger, _ body: (ObjectStore) async throws -> T) async throws -> T {
    let store = try makeObjectStore(logger: logger)
    do {
        let result = try await body(store)
        await store.shutdown()
        return result
    } catch {
        await store.shutdown()
        throw error
    }
}

/// The synchronous form of ``withObjectStore(logger:_:)``, for the commands that read on the calling thread.
func withObjectStore<T>(logger: Logger, _ body: (ObjectStore) throws -> T) throws -> T {
    let store = try makeObjectStore(logger: logger)
    defer { try? AWSBlocking.run { await store.shutdown() } }
    return try body(store)
}
