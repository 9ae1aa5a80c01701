/// The life of one streamed S3 object upload, as a pure state machine: the writer hands it full parts and finally
/// a close, the network answers come back as events, and every method returns the actions the driver
/// (``S3ByteSink``) must carry out. It never touches the network, a clock or the bytes themselves, so every event
/// in every state is tested directly.
///
/// An object that never fills one part is uploaded with one PutObject. Otherwise the first full part starts a
/// multipart upload, parts are uploaded at most ``maxInFlight`` at a time (the writer is held back while
/// ``acceptsPart`` is false, which bounds memory to in-flight + 1 parts), and the upload is completed once the writer
/// closed and every part is in. Any failure, or an abort, aborts the multipart upload (once it exists), so no
/// partial object ever appears under the key.
struct MultipartUploadStateMachine: Sendable {
    /// What the driver does next.
    enum Action: Sendable, Hashable {
        /// Start `CreateMultipartUpload`.
        case createUpload
        /// Upload part `number` (1-based) of the upload `uploadId`.
        case uploadPart(uploadId: String, number: Int)
        /// Upload the whole object (the buffered bytes) with one PutObject.
        case putObject
        /// Complete the upload with these parts, in order.
        case complete(uploadId: String, parts: [Part])
        /// Abort the upload (a failure or an abort happened after it was created).
        case abortUpload(uploadId: String)
        /// The object is in place: wake the writer waiting in close.
        case succeed
        /// The upload failed: wake the writer with this failure.
        case fail(Failure)
    }

    /// An uploaded part.
    struct Part: Sendable, Hashable {
        var number: Int
        var eTag: String
    }

    /// Why an upload failed: the message of the first error (later ones are consequences).
    struct Failure: Error, Sendable, Hashable {
        var message: String
    }

    private enum Phase: Sendable, Hashable {
        /// No part was full yet: nothing has been sent.
        case buffering
        /// CreateMultipartUpload is in flight.
        case creating
        case uploading(uploadId: String)
        /// PutObject is in flight.
        case putting
        case completing(uploadId: String)
        case succeeded
        case failed(Failure)
    }

    /// The most parts uploaded at once.
    let maxInFlight: Int
    private var phase: Phase = .buffering
    /// Full parts that wait for the upload to exist or for a free slot, in order.
    private var queued: [Int] = []
    private var inFlight: Set<Int> = []
    private var uploaded: [Part] = []
    private var partsHandedIn = 0
    private var closed = false

    init(maxInFlight: Int) {
        precondition(maxInFlight >= 1)
        self.maxInFlight = maxInFlight
    }

    /// Whether the writer may hand in another full part now (else it waits for a part to finish).
    var acceptsPart: Bool {
        switch phase {
        case .buffering, .creating, .uploading: queued.count + inFlight.count < maxInFlight
        case .putting, .completing, .succeeded, .failed: true
        }
    }

    /// Whether the upload has ended, well or not.
    var isFinished: Bool {
        switch phase {
        case .succeeded, .failed: true
        default: false
        }
    }

    /// The failure, once the upload has failed.
    var failure: Failure? {
        if case .failed(let failure) = phase { return failure }
        return nil
    }

    /// The number the next part handed in gets.
    var nextPartNumber: Int { partsHandedIn + 1 }

    /// The writer filled part ``nextPartNumber``.
    mutating func partFilled() -> [Action] {
        precondition(!closed, "a part after close")
        partsHandedIn += 1
        let number = partsHandedIn
        switch phase {
        case .buffering:
            phase = .creating
            queued.append(number)
            return [.createUpload]
        case .creating:
            queued.append(number)
            return []
        case .uploading(let uploadId):
            queued.append(number)
            return startQueued(uploadId)
        case .failed:
            return []
        case .putting, .completing, .succeeded:
            preconditionFailure("a part after the upload was closed")
        }
    }

    /// The writer closed. `hasFinalPart` tells whether bytes remain after the last full part; when nothing was ever
    /// handed in, those bytes (possibly none) are the whole object.
    mutating func closeRequested(hasFinalPart: Bool) -> [Action] {
        precondition(!closed, "closed twice")
        switch phase {
        case .buffering:
            closed = true
            phase = .putting
            return [.putObject]
        case .creating, .uploading:
            var actions: [Action] = []
            if hasFinalPart { actions = partFilled() }
            closed = true
            return actions + completeIfDone()
        case .failed:
            closed = true
            return []
        case .putting, .completing, .succeeded:
            preconditionFailure("closed twice")
        }
    }

    /// CreateMultipartUpload answered.
    mutating func uploadCreated(uploadId: String) -> [Action] {
        guard case .creating = phase else {
            // Failed or aborted meanwhile: the new upload must not linger.
            return [.abortUpload(uploadId: uploadId)]
        }
        phase = .uploading(uploadId: uploadId)
        return startQueued(uploadId) + completeIfDone()
    }

    /// Part `number` is uploaded.
    mutating func partUploaded(number: Int, eTag: String) -> [Action] {
        guard inFlight.remove(number) != nil, case .uploading(let uploadId) = phase else { return [] }
        uploaded.append(Part(number: number, eTag: eTag))
        return startQueued(uploadId) + completeIfDone()
    }

    /// PutObject or CompleteMultipartUpload answered.
    mutating func objectStored() -> [Action] {
        switch phase {
        case .putting, .completing:
            phase = .succeeded
            return [.succeed]
        default:
            return []
        }
    }

    /// A request of this upload failed (after its retries): the whole upload fails, and is aborted when it exists.
    mutating func requestFailed(_ message: String) -> [Action] {
        let failure = Failure(message: message)
        switch phase {
        case .buffering, .putting, .creating:
            phase = .failed(failure)
            return [.fail(failure)]
        case .uploading(let uploadId), .completing(let uploadId):
            phase = .failed(failure)
            inFlight.removeAll()
            queued.removeAll()
            return [.abortUpload(uploadId: uploadId), .fail(failure)]
        case .succeeded, .failed:
            return []
        }
    }

    /// The writer gave up (its own error, or it was dropped unclosed): discard everything.
    mutating func abortRequested() -> [Action] {
        let failure = Failure(message: "the upload was aborted")
        switch phase {
        case .buffering:
            phase = .failed(failure)
            return [.fail(failure)]
        case .creating:
            // What CreateMultipartUpload brings back is aborted by ``uploadCreated(uploadId:)``.
            phase = .failed(failure)
            return [.fail(failure)]
        case .uploading(let uploadId), .completing(let uploadId):
            phase = .failed(failure)
            inFlight.removeAll()
            queued.removeAll()
            return [.abortUpload(uploadId: uploadId), .fail(failure)]
        case .putting:
            // PutObject is all or nothing; its answer is ignored from now on.
            phase = .failed(failure)
            return [.fail(failure)]
        case .succeeded, .failed:
            return []
        }
    }

    private mutating func startQueued(_ uploadId: String) -> [Action] {
        var actions: [Action] = []
        while inFlight.count < maxInFlight, !queued.isEmpty {
            let number = queued.removeFirst()
            inFlight.insert(number)
            actions.append(.uploadPart(uploadId: uploadId, number: number))
        }
        return actions
    }

    private mutating func completeIfDone() -> [Action] {
        guard closed, queued.isEmpty, inFlight.isEmpty, case .uploading(let uploadId) = phase else { return [] }
        phase = .completing(uploadId: uploadId)
        return [.complete(uploadId: uploadId, parts: uploaded.sorted { $0.number < $1.number })]
    }
}
