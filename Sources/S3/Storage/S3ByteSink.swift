import AWS
import Foundation
import Storage

/// A streamed S3 object upload: the Parquet and CSV writers' sink for `s3://` outputs.
///
/// Bytes are gathered into parts of ``partSize``; the first full part starts a multipart upload, and up to
/// ``maxInFlight`` parts upload while the writer goes on (it waits when all are busy, so memory stays at most
/// in-flight + 1 parts). ``close()`` uploads the rest and completes the upload; an object smaller than one part is
/// one PutObject. A failed request (after the client's retries), ``abort()``, or a sink released unclosed aborts
/// the multipart upload, so the key never holds a partial object. The protocol is
/// ``MultipartUploadStateMachine``; this class only carries out its actions.
public final class S3ByteSink: ByteSink, @unchecked Sendable {
    /// The smallest part S3 accepts (but for the last one).
    public static let minimumPartSize = 5 << 20
    /// The default part size.
    public static let defaultPartSize = 16 << 20

    /// The object's `s3://` URL.
    public let name: String
    /// The object being written.
    public let location: S3Location
    /// The size of every part but the last.
    public let partSize: Int
    /// Bytes written so far.
    public private(set) var bytesWritten = 0
    private let client: S3Client
    private let contentType: String
    private let condition = NSCondition()
    private var machine: MultipartUploadStateMachine
    /// The part being filled.
    private var current: [UInt8] = []
    /// Parts handed to the machine and not yet uploaded, by part number.
    private var parts: [Int: [UInt8]] = [:]
    /// The whole object, for a PutObject.
    private var whole: [UInt8] = []
    /// The first error of a request, rethrown to the writer.
    private var firstError: (any Error)?
    /// Aborts started and not yet answered; ``abort()`` and ``close()`` wait for them. Kept apart from `self`, so
    /// that the abort of a sink released unclosed does not retain it.
    private let aborts = PendingAborts()
    private var ended = false

    /// Creates a sink; nothing is sent before the first part is full (or ``close()``).
    ///
    /// - Parameters:
    ///   - partSize: At least ``minimumPartSize`` against AWS; smaller values are for servers configured to accept
    ///     them (tests).
    ///   - maxInFlight: Parts uploaded at once.
    public init(
        client: S3Client,
        location: S3Location,
        partSize: Int = S3ByteSink.defaultPartSize,
        maxInFlight: Int = 4,
        contentType: String = "application/octet-stream"
    ) {
        self.client = client
        self.location = location
        self.name = location.description
        self.partSize = max(1, partSize)
        self.contentType = contentType
        self.machine = MultipartUploadStateMachine(maxInFlight: max(1, maxInFlight))
        current.reserveCapacity(min(self.partSize, 1 << 20))
    }

    deinit {
        guard !ended else { return }
        for case .abortUpload(let uploadId) in machine.abortRequested() {
            Self.startAbort(client: client, location: location, uploadId: uploadId, tracker: aborts)
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(!ended, "write after close or abort")
        var offset = 0
        while offset < bytes.count {
            let n = min(partSize - current.count, bytes.count - offset)
            current.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + n]))
            offset += n
            bytesWritten += n
            if current.count == partSize { try handInPart() }
        }
    }

    public func close() throws {
        precondition(!ended, "closed twice")
        ended = true
        condition.lock()
        let hasFinalPart = !current.isEmpty
        let number = machine.nextPartNumber
        let actions = machine.closeRequested(hasFinalPart: hasFinalPart)
        if actions.contains(.putObject) {
            whole = current
        } else if hasFinalPart {
            parts[number] = current
        }
        current = []
        condition.unlock()
        perform(actions)

        condition.lock()
        while !machine.isFinished { condition.wait() }
        let failure = machine.failure.map { firstError ?? $0 }
        condition.unlock()
        aborts.waitForAll()
        if let failure { throw failure }
    }

    public func abort() {
        ended = true
        condition.lock()
        current = []
        let actions = machine.abortRequested()
        condition.unlock()
        perform(actions)
        aborts.waitForAll()
    }

    /// Hands the full ``current`` part to the machine, waiting while every upload slot is busy.
    private func handInPart() throws {
        condition.lock()
        while !machine.acceptsPart { condition.wait() }
        if machine.failure != nil {
            let error = firstError ?? machine.failure!
            condition.unlock()
            throw error
        }
        parts[machine.nextPartNumber] = current
        let actions = machine.partFilled()
        condition.unlock()
        current = []
        current.reserveCapacity(min(partSize, 1 << 20))
        perform(actions)
    }

    /// Applies an event to the machine (under the lock) and carries out what it returns.
    private func handle(_ event: (inout MultipartUploadStateMachine) -> [MultipartUploadStateMachine.Action]) {
        condition.lock()
        let actions = event(&machine)
        // Any answer may free an upload slot the writer waits for in ``handInPart()``.
        condition.broadcast()
        condition.unlock()
        perform(actions)
    }

    /// Part `number` is in: its bytes are released, and the machine told.
    private func partUploaded(_ number: Int, eTag: String) {
        condition.lock()
        parts[number] = nil
        condition.unlock()
        handle { $0.partUploaded(number: number, eTag: eTag) }
    }

    private func failed(_ error: any Error) {
        condition.lock()
        if firstError == nil { firstError = error }
        condition.unlock()
        handle { $0.requestFailed("\(error)") }
    }

    private func perform(_ actions: [MultipartUploadStateMachine.Action]) {
        let client = self.client
        let bucket = location.bucket
        let key = location.key
        for action in actions {
            switch action {
            case .createUpload:
                let contentType = self.contentType
                AWSBlocking.spawn { [self] in
                    do {
                        let uploadId = try await client.createMultipartUpload(
                            bucket: bucket,
                            key: key,
                            contentType: contentType
                        )
                        handle { $0.uploadCreated(uploadId: uploadId) }
                    } catch {
                        failed(error)
                    }
                }
            case .uploadPart(let uploadId, let number):
                condition.lock()
                let body = parts[number] ?? []
                condition.unlock()
                AWSBlocking.spawn { [self] in
                    do {
                        let eTag = try await client.uploadPart(
                            bucket: bucket,
                            key: key,
                            uploadId: uploadId,
                            partNumber: number,
                            body: body
                        )
                        partUploaded(number, eTag: eTag)
                    } catch {
                        failed(error)
                    }
                }
            case .putObject:
                condition.lock()
                let body = whole
                whole = []
                condition.unlock()
                let contentType = self.contentType
                AWSBlocking.spawn { [self] in
                    do {
                        _ = try await client.putObject(bucket: bucket, key: key, body: body, contentType: contentType)
                        handle { $0.objectStored() }
                    } catch {
                        failed(error)
                    }
                }
            case .complete(let uploadId, let completed):
                AWSBlocking.spawn { [self] in
                    do {
                        _ = try await client.completeMultipartUpload(
                            bucket: bucket,
                            key: key,
                            uploadId: uploadId,
                            parts: completed.map { S3CompletedPart(partNumber: $0.number, eTag: $0.eTag) }
                        )
                        handle { $0.objectStored() }
                    } catch {
                        failed(error)
                    }
                }
            case .abortUpload(let uploadId):
                condition.lock()
                parts.removeAll()
                condition.unlock()
                Self.startAbort(client: client, location: location, uploadId: uploadId, tracker: aborts)
            case .succeed, .fail:
                // The writer waiting in close() or handInPart() was woken by handle(_:).
                break
            }
        }
    }

    /// Aborts `uploadId`, best effort: an upload left behind is found by the next commit's cleanup of its prefix.
    private static func startAbort(client: S3Client, location: S3Location, uploadId: String, tracker: PendingAborts) {
        tracker.started()
        AWSBlocking.spawn {
            try? await client.abortMultipartUpload(bucket: location.bucket, key: location.key, uploadId: uploadId)
            tracker.finished()
        }
    }
}

/// A count of aborts in flight, and the wait for none.
private final class PendingAborts: @unchecked Sendable {
    private let condition = NSCondition()
    private var count = 0

    func started() {
        condition.lock()
        count += 1
        condition.unlock()
    }

    func finished() {
        condition.lock()
        count -= 1
        condition.broadcast()
        condition.unlock()
    }

    func waitForAll() {
        condition.lock()
        while count > 0 { condition.wait() }
        condition.unlock()
    }
}
