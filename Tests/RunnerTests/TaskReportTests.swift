import Foundation
import Runner
import Testing

@Suite struct TaskReportTests {
    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func successOutputCarriesTheRunAndTheGlueKeys() throws {
        let started = Date(timeIntervalSince1970: 1_700_000_000.25)
        let completed = Date(timeIntervalSince1970: 1_700_000_003.5)
        let outcome = JobOutcome(
            job: "psd",
            rowsRead: 20994,
            rowsWritten: 1802,
            rowsRejected: 0,
            output: "/data/output/psd",
            startedAt: started,
            completedAt: completed
        )
        let json = try object(
            TaskReport.successOutput(requestedJob: "ProcessSalesData", runId: "jr_1", outcome: outcome)
        )
        #expect(json["job"] as? String == "psd")
        #expect(json["runId"] as? String == "jr_1")
        #expect(json["state"] as? String == "SUCCEEDED")
        #expect(json["startedOn"] as? String == "2023-11-14T22:13:20.250Z")
        #expect(json["completedOn"] as? String == "2023-11-14T22:13:23.500Z")
        #expect((json["rowsRead"] as? NSNumber)?.intValue == 20994)
        #expect((json["rowsWritten"] as? NSNumber)?.intValue == 1802)
        #expect((json["rowsRejected"] as? NSNumber)?.intValue == 0)
        #expect(json["output"] as? String == "/data/output/psd")
        #expect(json["GlueJobName"] as? String == "ProcessSalesData")
        #expect(json["GlueJobRunId"] as? String == "jr_1")
        #expect(json["GlueJobRunState"] as? String == "SUCCEEDED")
        #expect(json["GlueJobStartedOn"] as? String == "2023-11-14T22:13:20.250Z")
        #expect(json["GlueJobCompletedOn"] as? String == "2023-11-14T22:13:23.500Z")
    }

    @Test func failureCauseIsJSONWithJobRunAndMessage() throws {
        let json = try object(TaskReport.failureCause(job: "psd", runId: "jr_2", message: "sales.csv:3: bad \"int\""))
        #expect(json["job"] as? String == "psd")
        #expect(json["runId"] as? String == "jr_2")
        #expect(json["message"] as? String == "sales.csv:3: bad \"int\"")
        #expect(json["glue_job_run_error_msg"] as? String == "sales.csv:3: bad \"int\"")
        #expect(json["glue_job_run_state"] as? String == "FAILED")
        #expect(json["glue_job_name"] as? String == "psd")
        let requested = try object(
            TaskReport.failureCause(job: "psd", requestedJob: "ProcessSalesData", runId: "jr_2", message: "m")
        )
        #expect(requested["job"] as? String == "psd")
        #expect(requested["glue_job_name"] as? String == "ProcessSalesData")
        let unnamed = try object(TaskReport.failureCause(job: nil, runId: "jr_3", message: "m"))
        #expect(unnamed["job"] is NSNull)
    }

    @Test(arguments: [40_000, 100_000])
    func longCausesAreCutToTheLimitAndStayJSON(length: Int) throws {
        // Quotes double in JSON: the cut must account for escaping.
        let message = String(repeating: "a\"é", count: length / 3)
        let cause = TaskReport.failureCause(job: "psd", runId: "jr_4", message: message)
        #expect(cause.unicodeScalars.count <= TaskReport.maxCauseLength)
        #expect(cause.unicodeScalars.count > TaskReport.maxCauseLength - 100)
        let json = try object(cause)
        let kept = try #require(json["message"] as? String)
        #expect(kept.hasSuffix("…"))
        #expect(message.hasPrefix(String(kept.dropLast())))
    }

    @Test func errorNameIsCutTo256() {
        #expect(TaskReport.error("GlueJobFailedError") == "GlueJobFailedError")
        let long = TaskReport.error(String(repeating: "E", count: 300))
        #expect(long.count == 256)
        #expect(long.hasSuffix("…"))
    }
}
