import Testing

@testable import S3

/// Every event in every state of ``MultipartUploadStateMachine``, without a network or a clock.
@Suite struct MultipartUploadStateMachineTests {
    typealias Machine = MultipartUploadStateMachine

    @Test func anObjectSmallerThanOnePartIsOnePut() {
        var machine = Machine(maxInFlight: 4)
        #expect(machine.acceptsPart)
        #expect(machine.closeRequested(hasFinalPart: true) == [.putObject])
        #expect(!machine.isFinished)
        #expect(machine.objectStored() == [.succeed])
        #expect(machine.isFinished)
        #expect(machine.failure == nil)
    }

    @Test func anEmptyObjectIsOnePutToo() {
        var machine = Machine(maxInFlight: 1)
        #expect(machine.closeRequested(hasFinalPart: false) == [.putObject])
        #expect(machine.objectStored() == [.succeed])
    }

    @Test func partsWaitForTheUploadThenGoAtMostMaxInFlightAtOnce() {
        var machine = Machine(maxInFlight: 2)
        #expect(machine.nextPartNumber == 1)
        #expect(machine.partFilled() == [.createUpload])
        #expect(machine.partFilled() == [])
        // Two parts queued before the upload exists: the writer is held back.
        #expect(!machine.acceptsPart)
        #expect(
            machine.uploadCreated(uploadId: "u") == [
                .uploadPart(uploadId: "u", number: 1), .uploadPart(uploadId: "u", number: 2),
            ]
        )
        #expect(!machine.acceptsPart)
        #expect(machine.partUploaded(number: 2, eTag: "e2") == [])
        #expect(machine.acceptsPart)
        #expect(machine.partFilled() == [.uploadPart(uploadId: "u", number: 3)])
        #expect(machine.partUploaded(number: 1, eTag: "e1") == [])
        // The final, short part, then completion once every part is in, in part order.
        #expect(machine.closeRequested(hasFinalPart: true) == [.uploadPart(uploadId: "u", number: 4)])
        #expect(machine.partUploaded(number: 4, eTag: "e4") == [])
        #expect(
            machine.partUploaded(number: 3, eTag: "e3") == [
                .complete(
                    uploadId: "u",
                    parts: [
                        .init(number: 1, eTag: "e1"), .init(number: 2, eTag: "e2"), .init(number: 3, eTag: "e3"),
                        .init(number: 4, eTag: "e4"),
                    ]
                )
            ]
        )
        #expect(!machine.isFinished)
        #expect(machine.objectStored() == [.succeed])
        #expect(machine.isFinished)
    }

    @Test func closingWithoutAFinalPartCompletesWhenTheLastPartLands() {
        var machine = Machine(maxInFlight: 4)
        _ = machine.partFilled()
        _ = machine.uploadCreated(uploadId: "u")
        #expect(machine.closeRequested(hasFinalPart: false) == [])
        #expect(
            machine.partUploaded(number: 1, eTag: "a") == [
                .complete(uploadId: "u", parts: [.init(number: 1, eTag: "a")])
            ]
        )
    }

    @Test func closingBeforeTheUploadExistsCompletesOnceItDoes() {
        var machine = Machine(maxInFlight: 4)
        _ = machine.partFilled()
        #expect(machine.closeRequested(hasFinalPart: true) == [])
        #expect(
            machine.uploadCreated(uploadId: "u") == [
                .uploadPart(uploadId: "u", number: 1), .uploadPart(uploadId: "u", number: 2),
            ]
        )
        _ = machine.partUploaded(number: 1, eTag: "a")
        #expect(
            machine.partUploaded(number: 2, eTag: "b") == [
                .complete(uploadId: "u", parts: [.init(number: 1, eTag: "a"), .init(number: 2, eTag: "b")])
            ]
        )
    }

    @Test func aFailedPartAbortsTheUploadAndLaterAnswersAreIgnored() {
        var machine = Machine(maxInFlight: 4)
        _ = machine.partFilled()
        _ = machine.uploadCreated(uploadId: "u")
        _ = machine.partFilled()
        #expect(
            machine.requestFailed("UploadPart 2: SlowDown")
                == [.abortUpload(uploadId: "u"), .fail(.init(message: "UploadPart 2: SlowDown"))]
        )
        #expect(machine.isFinished)
        #expect(machine.failure?.message == "UploadPart 2: SlowDown")
        #expect(machine.partUploaded(number: 1, eTag: "a") == [])
        #expect(machine.requestFailed("again") == [])
        #expect(machine.objectStored() == [])
        // The writer may still hand parts in and close; nothing more is sent.
        #expect(machine.acceptsPart)
        #expect(machine.partFilled() == [])
        #expect(machine.closeRequested(hasFinalPart: true) == [])
    }

    @Test func aFailedCompletionAbortsTheUpload() {
        var machine = Machine(maxInFlight: 1)
        _ = machine.partFilled()
        _ = machine.uploadCreated(uploadId: "u")
        _ = machine.closeRequested(hasFinalPart: false)
        _ = machine.partUploaded(number: 1, eTag: "a")
        #expect(
            machine.requestFailed("CompleteMultipartUpload: InternalError") == [
                .abortUpload(uploadId: "u"), .fail(.init(message: "CompleteMultipartUpload: InternalError")),
            ]
        )
    }

    @Test func aFailedCreateOrPutFailsWithoutAnAbort() {
        var creating = Machine(maxInFlight: 2)
        _ = creating.partFilled()
        #expect(
            creating.requestFailed("CreateMultipartUpload: AccessDenied") == [
                .fail(.init(message: "CreateMultipartUpload: AccessDenied"))
            ]
        )
        // An upload the failed machine is told about after all is aborted at once.
        #expect(creating.uploadCreated(uploadId: "late") == [.abortUpload(uploadId: "late")])

        var putting = Machine(maxInFlight: 2)
        _ = putting.closeRequested(hasFinalPart: true)
        #expect(putting.requestFailed("PutObject: NoSuchBucket") == [.fail(.init(message: "PutObject: NoSuchBucket"))])
        #expect(putting.objectStored() == [])
    }

    @Test func abortInEveryPhase() {
        let aborted = MultipartUploadStateMachine.Failure(message: "the upload was aborted")

        var buffering = Machine(maxInFlight: 2)
        #expect(buffering.abortRequested() == [.fail(aborted)])
        #expect(buffering.abortRequested() == [])

        var creating = Machine(maxInFlight: 2)
        _ = creating.partFilled()
        #expect(creating.abortRequested() == [.fail(aborted)])
        #expect(creating.uploadCreated(uploadId: "u") == [.abortUpload(uploadId: "u")])

        var uploading = Machine(maxInFlight: 2)
        _ = uploading.partFilled()
        _ = uploading.uploadCreated(uploadId: "u")
        #expect(uploading.abortRequested() == [.abortUpload(uploadId: "u"), .fail(aborted)])
        #expect(uploading.partUploaded(number: 1, eTag: "a") == [])

        var completing = Machine(maxInFlight: 2)
        _ = completing.partFilled()
        _ = completing.uploadCreated(uploadId: "u")
        _ = completing.closeRequested(hasFinalPart: false)
        _ = completing.partUploaded(number: 1, eTag: "a")
        #expect(completing.abortRequested() == [.abortUpload(uploadId: "u"), .fail(aborted)])
        #expect(completing.objectStored() == [])

        var putting = Machine(maxInFlight: 2)
        _ = putting.closeRequested(hasFinalPart: false)
        #expect(putting.abortRequested() == [.fail(aborted)])
        #expect(putting.objectStored() == [])

        var succeeded = Machine(maxInFlight: 2)
        _ = succeeded.closeRequested(hasFinalPart: false)
        _ = succeeded.objectStored()
        #expect(succeeded.abortRequested() == [])
        #expect(succeeded.failure == nil)
    }

    @Test func answersForUnknownPartsAreIgnored() {
        var machine = Machine(maxInFlight: 2)
        #expect(machine.partUploaded(number: 7, eTag: "x") == [])
        _ = machine.partFilled()
        #expect(machine.partUploaded(number: 1, eTag: "x") == [])
        _ = machine.uploadCreated(uploadId: "u")
        #expect(machine.partUploaded(number: 2, eTag: "x") == [])
        #expect(machine.objectStored() == [])
    }
}
