import Foundation
import Logging
import StepFunctions

extension ActivityWorker {
    /// Records a fresh task of `activity`, then runs it.
    func handle(_ task: ActivityTask, activity: WorkerActivity, stopAtOnce: Bool) async {
        var run = JobRun(
            taskToken: task.taskToken,
            activityArn: activity.arn,
            workerName: configuration.workerName,
            job: nil,
            input: task.input
        )
        switch activity.kind {
        case .glue: run.job = try? JobInvocation(taskInput: task.input).job
        case .athena: run.job = "query"
        }
        do {
            try store.insert(run)
        } catch {
            // Never run untracked work: refuse the task explicitly.
            logger.error("cannot record a task; failing it", metadata: ["error": "\(error)"])
            let report = failureReport(
                run,
                activity: activity,
                requested: nil,
                message: "cannot record the run: \(error)"
            )
            try? await service.sendTaskFailure(taskToken: task.taskToken, error: report.error, cause: report.cause)
            return
        }
        await execute(run, stopAtOnce: stopAtOnce)
    }

    /// The `error` and `cause` of the failure of `run`, in the form of its activity's kind.
    func failureReport(
        _ run: JobRun,
        activity: WorkerActivity,
        requested: String?,
        message: String
    ) -> (error: String, cause: String) {
        let cause: String
        switch activity.kind {
        case .glue:
            cause = TaskReport.failureCause(job: run.job, requestedJob: requested, runId: run.runId, message: message)
        case .athena:
            let request = try? AthenaQueryRequest(taskInput: run.input)
            cause = TaskReport.athenaFailureCause(
                runId: run.runId,
                queryExecutionId: AthenaQueryRequest.queryExecutionId(runId: run.runId),
                queryString: request?.queryString ?? request?.namedQuery,
                submittedAt: run.startedAt,
                failedAt: Date(),
                message: message
            )
        }
        return (TaskReport.error(activity.errorName), cause)
    }

    /// Runs a recorded run to its end and records the end, as its ``RunStateMachine`` decides.
    func execute(_ run: JobRun, stopAtOnce: Bool) async {
        var run = run
        var logger = self.logger
        logger[metadataKey: "run_id"] = "\(run.runId)"
        logger[metadataKey: "job"] = "\(run.job ?? "?")"
        if configuration.activities.count > 1 { logger[metadataKey: "activity"] = "\(run.activityArn)" }
        // Recovery reads only the configured activities' runs.
        let activity = configuration.activity(arn: run.activityArn) ?? WorkerActivity(arn: run.activityArn)
        let metrics = self.metrics(activity.arn)
        var machine = RunStateMachine()
        metrics.runStarted()

        let (events, input) = AsyncStream<RunEvent>.makeStream()
        let graceOver = shared.withLock { shared in
            shared.runs[run.runId] = input
            return shared.graceOver
        }
        defer {
            _ = shared.withLock { $0.runs.removeValue(forKey: run.runId) }
            input.finish()
        }

        let requested: String?
        let work: @Sendable (Logger) async throws -> JobOutcome
        do {
            switch activity.kind {
            case .glue:
                let invocation = try JobInvocation(taskInput: run.input)
                let canonical = try executor.resolve(invocation.job)
                if run.job != canonical {
                    // Recorded under the job's own name (e.g. psd for ProcessSalesData).
                    run.job = canonical
                    record(run, logger: logger)
                }
                requested = invocation.job
                let executor = self.executor
                let gate = Self.commitGate(service: service, taskToken: run.taskToken)
                work = { logger in try await executor.run(invocation, logger: logger, commitGate: gate) }
            case .athena:
                let request = try AthenaQueryRequest(taskInput: run.input)
                guard let queries else { throw QueryFailure(queryString: nil, message: "this worker runs no SQL") }
                let id = AthenaQueryRequest.queryExecutionId(runId: run.runId)
                logger[metadataKey: "query_execution_id"] = "\(id)"
                requested = nil
                work = { logger in
                    JobOutcome(query: try await queries.run(request, queryExecutionId: id, logger: logger))
                }
            }
        } catch {
            // Refused before it starts: only its failure is reported (and sent again while unanswered).
            logger.error("task refused", metadata: ["error": "\(error)"])
            input.yield(.jobFinished(.failed("\(error)")))
            if stopAtOnce || graceOver { input.yield(.graceExpired) }
            await drive(
                &machine,
                run: run,
                activity: activity,
                requested: nil,
                job: nil,
                events: events,
                input: input,
                logger: logger
            )
            return
        }
        logger.info("job started", metadata: ["attempt": "\(run.attempts)"])
        metrics.jobStarted(run.job ?? requested ?? "?")
        if stopAtOnce || graceOver { input.yield(.graceExpired) }

        // The job's own task: it delivers its end as an event and may be abandoned if it ignores cancellation.
        let job = Task { [logger] in
            do {
                input.yield(.jobFinished(.succeeded(try await work(logger))))
            } catch {
                input.yield(.jobFinished(.failed("\(error)")))
            }
        }

        // The job's task is not a child: cancelling the worker's task cancels it explicitly.
        await withTaskCancellationHandler {
            await drive(
                &machine,
                run: run,
                activity: activity,
                requested: requested,
                job: job,
                events: events,
                input: input,
                logger: logger
            )
        } onCancel: {
            job.cancel()
        }
    }

    /// Carries out the run's actions until it finishes, with its heartbeats and deadline in one task group.
    private func drive(
        _ machine: inout RunStateMachine,
        run: JobRun,
        activity: WorkerActivity,
        requested: String?,
        job: Task<Void, Never>?,
        events: AsyncStream<RunEvent>,
        input: AsyncStream<RunEvent>.Continuation,
        logger: Logger
    ) async {
        await withTaskGroup(of: Void.self) { group in
            let interval = configuration.heartbeatInterval
            group.addTask {
                while true {
                    do { try await Task.sleep(for: interval) } catch { return }
                    input.yield(.heartbeatDue)
                }
            }
            var last: RunStateMachine.Action = .none
            for await event in events {
                var action: RunStateMachine.Action
                switch event {
                case .heartbeatDue: action = machine.heartbeatDue()
                case .heartbeatAnswered(let answer): action = machine.heartbeatAnswered(answer)
                case .graceExpired: action = machine.graceExpired()
                case .jobFinished(let result):
                    if machine.isStopping, case .succeeded = result {
                        // It finished (and committed) after all: report that rather than a failure.
                        logger.info("the job completed while being stopped")
                    }
                    action = machine.jobFinished(result)
                case .cancellationDeadlinePassed:
                    logger.warning("the job did not answer cancellation in time; it is abandoned")
                    action = machine.cancellationDeadlinePassed()
                case .reportDue:
                    action = machine.reportDue()
                }
                // Reports are answered in line: while one is out, nothing else can change the run's end.
                action = await settle(
                    action,
                    machine: &machine,
                    run: run,
                    activity: activity,
                    requested: requested,
                    logger: logger
                )
                perform(action, run: run, job: job, group: &group, events: input, logger: logger)
                last = action
                if case .finish = last { break }
            }
            group.cancelAll()
            if case .finish(let end) = last { finish(run, end, metrics: self.metrics(activity.arn), logger: logger) }
        }
    }

    private func perform(
        _ action: RunStateMachine.Action,
        run: JobRun,
        job: Task<Void, Never>?,
        group: inout TaskGroup<Void>,
        events: AsyncStream<RunEvent>.Continuation,
        logger: Logger
    ) {
        switch action {
        case .none, .reportSuccess, .reportFailure, .finish:
            break
        case .sendHeartbeat:
            let (service, metrics) = (self.service, self.metrics(run.activityArn))
            group.addTask {
                let answer: RunStateMachine.HeartbeatAnswer
                let start = ContinuousClock.now
                do {
                    try await service.sendTaskHeartbeat(taskToken: run.taskToken)
                    answer = .accepted
                } catch let error as StepFunctionsError where error.code.isTaskGone {
                    answer = .taskGone("\(error.code): \(error.message)")
                } catch {
                    answer = .failed("\(error)")
                }
                metrics.heartbeat(answer, after: ContinuousClock.now - start)
                events.yield(.heartbeatAnswered(answer))
            }
        case .recordHeartbeat:
            try? store.recordHeartbeat(runId: run.runId)
            logger.debug("heartbeat sent")
        case .reportLater(let delay, let error):
            logger.warning(
                "the report got no answer; sending it again later",
                metadata: ["error": "\(error)", "retry_in": "\(delay)"]
            )
            group.addTask {
                do { try await Task.sleep(for: delay) } catch { return }
                events.yield(.reportDue)
            }
        case .logHeartbeatFailure(let description):
            logger.warning("heartbeat failed; trying again at the next beat", metadata: ["error": "\(description)"])
        case .cancelJob(let reason):
            switch reason {
            case .taskGone(let description):
                logger.error("the task is closed; cancelling the job", metadata: ["error": "\(description)"])
            case .shutdown:
                logger.warning("job stopped", metadata: ["reason": "worker shutting down"])
            }
            // It removes its temporary output and commits nothing; it gets a moment to unwind before the run ends.
            job?.cancel()
            let deadline = configuration.cancellationDeadline
            group.addTask {
                do { try await Task.sleep(for: deadline) } catch { return }
                events.yield(.cancellationDeadlinePassed)
            }
        }
    }

    /// Sends the reports `action` asks for, feeding their answers back, until an action that is not a report.
    private func settle(
        _ action: RunStateMachine.Action,
        machine: inout RunStateMachine,
        run: JobRun,
        activity: WorkerActivity,
        requested: String?,
        logger: Logger
    ) async -> RunStateMachine.Action {
        var action = action
        while true {
            switch action {
            case .reportSuccess(let outcome):
                let answer = await reportSuccess(
                    run,
                    requested: requested ?? outcome.job,
                    outcome: outcome,
                    logger: logger
                )
                action = machine.successReported(answer)
            case .reportFailure(let message):
                let answer = await reportFailure(
                    run,
                    activity: activity,
                    message: message,
                    requested: requested,
                    logger: logger
                )
                action = machine.failureReported(answer)
            default:
                return action
            }
        }
    }

    private func reportSuccess(
        _ run: JobRun,
        requested: String,
        outcome: JobOutcome,
        logger: Logger
    ) async -> RunStateMachine.ReportAnswer {
        let output =
            if let query = outcome.query {
                TaskReport.athenaSuccessOutput(runId: run.runId, outcome: query)
            } else {
                TaskReport.successOutput(requestedJob: requested, runId: run.runId, outcome: outcome)
            }
        do {
            try await service.sendTaskSuccess(taskToken: run.taskToken, output: output)
            logger.info(
                "job succeeded",
                metadata: [
                    "rows_read": "\(outcome.rowsRead)", "rows_written": "\(outcome.rowsWritten)",
                    "rows_rejected": "\(outcome.rowsRejected)", "output": "\(outcome.output)",
                ]
            )
            return .accepted
        } catch let error as StepFunctionsError where error.code == .taskTimedOut {
            logger.warning("job succeeded but its task was already closed", metadata: ["error": "\(error)"])
            return .taskTimedOut(error.message)
        } catch let error as StepFunctionsError where error.isRetryable {
            return .unreachable("\(error)")
        } catch {
            logger.error("cannot report success", metadata: ["error": "\(error)"])
            return .failed("\(error)")
        }
    }

    private func reportFailure(
        _ run: JobRun,
        activity: WorkerActivity,
        message: String,
        requested: String? = nil,
        logger: Logger
    ) async -> RunStateMachine.ReportAnswer {
        logger.error("job failed", metadata: ["error": "\(message)"])
        do {
            let report = failureReport(run, activity: activity, requested: requested, message: message)
            try await service.sendTaskFailure(taskToken: run.taskToken, error: report.error, cause: report.cause)
            return .accepted
        } catch let error as StepFunctionsError where error.code == .taskTimedOut {
            logger.error("cannot report failure: the task is closed", metadata: ["error": "\(error)"])
            return .taskTimedOut(error.message)
        } catch let error as StepFunctionsError where error.isRetryable {
            return .unreachable("\(error)")
        } catch {
            logger.error("cannot report failure", metadata: ["error": "\(error)"])
            return .failed("\(error)")
        }
    }

    private func finish(_ run: JobRun, _ end: RunStateMachine.End, metrics: WorkerMetrics, logger: Logger) {
        var run = run
        run.state = end.state
        run.error = end.error
        if end.state == .running {
            // Its report never got through: the next start's recovery takes it up again.
            logger.error("run left open for recovery", metadata: ["error": "\(end.error ?? "")"])
            record(run, logger: logger)
            return
        }
        run.completedAt = Date()
        if let outcome = end.outcome {
            run.rowsRead = outcome.rowsRead
            run.rowsWritten = outcome.rowsWritten
            run.rowsRejected = outcome.rowsRejected
            run.output = outcome.output
            run.job = outcome.job
        }
        metrics.runEnded(job: run.job, state: run.state)
        record(run, logger: logger)
    }

    func record(_ run: JobRun, logger: Logger) {
        do { try store.update(run) } catch {
            logger.error("cannot record the end of the run", metadata: ["error": "\(error)", "state": "\(run.state)"])
        }
    }
}
