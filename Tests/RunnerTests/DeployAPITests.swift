import Foundation
import StepFunctions
import TestSupport
import Testing

extension MotoIntegrationTests {
    /// `sluice deploy create-activities`, `create-state-machine` and `status` against moto's Step Functions: the
    /// second run changes nothing, and the state machine they create SUCCEEDS on `sluice worker`.
    @Suite(.tags(.pythonPeers), .needsPythonPeers) struct DeployAPITests {
        static let bucket = SeedStateMachine.bucket
        static let role = "arn:aws:iam::123456789012:role/StateExecutionRole"

        /// Lines of a command's standard output.
        static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

        @Test func createTwiceThenTheSeedFlowSucceeds() async throws {
            let flow = try await FlowHarness()
            defer { Task { await flow.shutdown() } }

            let first = try await flow.run(["deploy", "create-activities", "--bucket", Self.bucket])
            #expect(first.status == 0, "\(first.stderr)")
            let created = Self.lines(first.stdout)
            let names = [
                "GlueRunnerActivity", "\(Self.bucket)-SalesPipeline_QuickSightSample.csv",
                "\(Self.bucket)-MarketingData_QuickSightSample.csv",
            ]
            #expect(created.count == 3)
            for (line, name) in zip(created, names) {
                #expect(line.hasPrefix("created activity \(name) arn:aws:states:us-east-1:"), "\(line)")
            }
            let second = try await flow.run(["deploy", "create-activities", "--bucket", Self.bucket])
            #expect(second.status == 0, "\(second.stderr)")
            // The same activities, found: the same ARNs, nothing created.
            #expect(
                Self.lines(second.stdout) == created.map { $0.replacingOccurrences(of: "created ", with: "found ") }
            )
            let activities = try await flow.client.listActivities()
            #expect(Set(activities.map(\.name)) == Set(names))
            #expect(activities.count == 3)
            let arns = Dictionary(uniqueKeysWithValues: activities.map { ($0.name, $0.activityArn) })
            let described = try await flow.client.describeActivity(activityArn: arns["GlueRunnerActivity"] ?? "")
            #expect(described.name == "GlueRunnerActivity")

            let machine = try await flow.run([
                "deploy", "create-state-machine", "--bucket", Self.bucket, "--role-arn", Self.role,
            ])
            #expect(machine.status == 0, "\(machine.stderr)")
            let createdMachine = machine.stdout.trimmingCharacters(in: .newlines)
            #expect(createdMachine.hasPrefix("created state machine MarketingAndSalesETLOrchestrator arn:aws:states:"))
            let machineArn = String(createdMachine.split(separator: " ").last ?? "")
            let again = try await flow.run([
                "deploy", "create-state-machine", "--bucket", Self.bucket, "--role-arn", Self.role,
            ])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout == "found state machine MarketingAndSalesETLOrchestrator \(machineArn) (unchanged)\n")
            #expect(try await flow.client.listStateMachines().map(\.stateMachineArn) == [machineArn])

            // What was created is the seed's definition with the activities' ARNs and the seed's job names.
            let description = try await flow.client.describeStateMachine(stateMachineArn: machineArn)
            #expect(description.roleArn == Self.role)
            var expected = SeedStateMachine.definitionTemplate
            for (key, value) in [
                "GlueRunnerActivityArn": arns["GlueRunnerActivity"] ?? "?",
                "WaitForSalesDataActivityArn": arns[names[1]] ?? "?",
                "WaitForMarketingDataActivityArn": arns[names[2]] ?? "?",
                "ProcessSalesDataGlueJobName": "ProcessSalesData",
                "ProcessMarketingDataGlueJobName": "ProcessMarketingData",
                "JoinMarketingAndSalesDataJobName": "JoinMarketingAndSalesData",
            ] {
                expected = expected.replacingOccurrences(of: "${\(key)}", with: value)
            }
            #expect(try Self.canonical(description.definition) == Self.canonical(expected))

            let before = try await flow.run(["deploy", "status", "--bucket", Self.bucket])
            #expect(before.status == 0, "\(before.stderr)")
            let report = Self.lines(before.stdout)
            #expect(
                report.first?.hasPrefix("state machine MarketingAndSalesETLOrchestrator: ACTIVE \(machineArn)") == true
            )
            #expect(report.dropFirst().prefix(3) == ArraySlice(names.map { "activity \($0): \(arns[$0] ?? "?")" }))
            #expect(report.last == "executions of MarketingAndSalesETLOrchestrator, newest first: none")

            // The deployed machine runs the seed's flow on `sluice worker` and `sluice notify`.
            let execution = try await flow.client.startExecution(stateMachineArn: machineArn, name: "deployed-1")
            let worker = try flow.startWorker(arns["GlueRunnerActivity"] ?? "")
            for (index, file) in [SeedStateMachine.salesFile, SeedStateMachine.marketingFile].enumerated() {
                let path = try flow.land(file)
                let notify = try await flow.run([
                    "notify", "--activity-arn", arns[names[index + 1]] ?? "", "--file", path,
                ])
                #expect(notify.status == 0, "\(notify.stderr)")
            }
            let finished = try await finishedExecution(flow.client, execution)
            #expect(finished.status == "SUCCEEDED", "\(finished) \(worker.stderr)")
            let output = try jsonObject(finished.output)
            #expect(output["GlueJobName"] as? String == "JoinMarketingAndSalesData")
            #expect((output["rowsWritten"] as? NSNumber)?.intValue == 1393)

            let after = try await flow.run(["deploy", "status", "--bucket", Self.bucket, "--limit", "3"])
            #expect(after.status == 0, "\(after.stderr)")
            let executions = Self.lines(after.stdout).suffix(2)
            #expect(executions.first == "executions of MarketingAndSalesETLOrchestrator, newest first: 1")
            #expect(executions.last?.hasPrefix("  deployed-1 SUCCEEDED started 20") == true)
            #expect(executions.last?.contains(" stopped 20") == true)

            worker.signal(SIGTERM)
            #expect(await worker.wait(seconds: 20) == 0)
            await flow.shutdown()
        }

        @Test func aChangedRoleOrDefinitionIsUpdatedAndMissingPartsAreNamed() async throws {
            let flow = try await FlowHarness()
            defer { Task { await flow.shutdown() } }

            // Without the activities, the state machine is refused with what to run first.
            let early = try await flow.run([
                "deploy", "create-state-machine", "--bucket", Self.bucket, "--role-arn", Self.role,
            ])
            #expect(early.status == 1)
            #expect(
                early.stderr
                    == "sluice: error: MarketingAndSalesETLOrchestrator: no activity GlueRunnerActivity, "
                    + "\(Self.bucket)-SalesPipeline_QuickSightSample.csv, "
                    + "\(Self.bucket)-MarketingData_QuickSightSample.csv: run `sluice deploy create-activities "
                    + "--bucket \(Self.bucket)` first\n"
            )
            let missing = try await flow.run(["deploy", "status", "--bucket", Self.bucket])
            #expect(missing.status == 1)
            #expect(Self.lines(missing.stdout).first == "state machine MarketingAndSalesETLOrchestrator: missing")
            #expect(
                missing.stderr.hasPrefix(
                    "sluice: error: not deployed: state machine MarketingAndSalesETLOrchestrator, "
                )
            )

            #expect(try await flow.run(["deploy", "create-activities", "--bucket", Self.bucket]).status == 0)
            let created = try await flow.run([
                "deploy", "create-state-machine", "--bucket", Self.bucket, "--role-arn", Self.role,
            ])
            #expect(created.status == 0, "\(created.stderr)")
            let arn = String(created.stdout.trimmingCharacters(in: .newlines).split(separator: " ").last ?? "")

            let otherRole = "arn:aws:iam::123456789012:role/OtherRole"
            let role = try await flow.run([
                "deploy", "create-state-machine", "--bucket", Self.bucket, "--role-arn", otherRole,
            ])
            #expect(role.stdout == "updated state machine MarketingAndSalesETLOrchestrator \(arn) (role changed)\n")
            #expect(try await flow.client.describeStateMachine(stateMachineArn: arn).roleArn == otherRole)

            // A definition file of one's own, with the same placeholders.
            let file = flow.work.appendingPathComponent("flow.asl.json")
            let changed = SeedStateMachine.definitionTemplate.replacingOccurrences(
                of: "This is a fallback from an ETL job failure.",
                with: "Changed fallback."
            )
            try Data(changed.utf8).write(to: file)
            let definition = try await flow.run([
                "deploy", "create-state-machine", "--bucket", Self.bucket, "--role-arn", otherRole, "--definition",
                file.path,
            ])
            #expect(
                definition.stdout
                    == "updated state machine MarketingAndSalesETLOrchestrator \(arn) (definition changed)\n"
            )
            #expect(
                try await flow.client.describeStateMachine(stateMachineArn: arn).definition.contains(
                    "Changed fallback."
                )
            )

            // The seed's Athena runner test machine, built in, on its own activity.
            let athena = try await flow.run(["deploy", "create-activities", "--bucket", Self.bucket, "--athena"])
            #expect(Self.lines(athena.stdout).filter { $0.hasPrefix("found activity ") }.count == 3)
            #expect(Self.lines(athena.stdout).last?.hasPrefix("created activity AthenaRunnerActivity arn:") == true)
            let test = try await flow.run([
                "deploy", "create-state-machine", "--bucket", Self.bucket, "--role-arn", Self.role, "--name",
                "AthenaRunnerTestETLOrchestrator",
            ])
            #expect(test.status == 0, "\(test.stderr)")
            let testArn = String(test.stdout.trimmingCharacters(in: .newlines).split(separator: " ").last ?? "")
            let testDefinition = try jsonObject(
                try await flow.client.describeStateMachine(stateMachineArn: testArn).definition
            )
            let states = try #require(testDefinition["States"] as? [String: [String: Any]])
            #expect(
                states["Execute Athena Query"]?["Resource"] as? String
                    == "arn:aws:states:us-east-1:123456789012:activity:AthenaRunnerActivity"
            )
            let query = try jsonObject(states["Configure Athena Query"]?["Result"] as? String)
            #expect(query["AthenaQueryString"] as? String == "SELECT * FROM marketing_qs limit 10;")
            #expect(query["AthenaDatabase"] as? String == "marketingandsales_qs")
            #expect(query["AthenaResultOutputLocation"] as? String == "s3://\(Self.bucket)/athena-runner-output/")
            #expect(query["AthenaResultEncryptionOption"] as? String == "SSE_S3")

            // The built-in fan-out flow (the repository's file, which DeployTemplateTests hold equal to it): the
            // bucket from --bucket, the Map's knobs from their defaults or --set.
            let fanOut = try await flow.run([
                "deploy", "create-state-machine", "--bucket", Self.bucket, "--role-arn", Self.role, "--name",
                "MarketingAndSalesFanOutETLOrchestrator", "--set", "MaxConcurrency=8",
            ])
            #expect(fanOut.status == 0, "\(fanOut.stderr)")
            let fanOutArn = String(fanOut.stdout.trimmingCharacters(in: .newlines).split(separator: " ").last ?? "")
            let fanOutStates = try #require(
                try jsonObject(try await flow.client.describeStateMachine(stateMachineArn: fanOutArn).definition)[
                    "States"
                ] as? [String: Any]
            )
            let branches = try #require(
                (fanOutStates["Start Parallel Glue Jobs"] as? [String: Any])?["Branches"] as? [[String: Any]]
            )
            let map = try #require(
                (branches[0]["States"] as? [String: Any])?["Process Sales Partitions"] as? [String: Any]
            )
            #expect(map["MaxConcurrency"] as? Int == 8)
            let reader = try #require((map["ItemReader"] as? [String: Any])?["Parameters"] as? [String: String])
            #expect(reader == ["Bucket": Self.bucket, "Prefix": "sales/"])
            let bad = try await flow.run([
                "deploy", "create-state-machine", "--bucket", Self.bucket, "--role-arn", Self.role, "--set", "=3",
            ])
            #expect(bad.status == 64 && bad.stderr.contains("--set must be NAME=VALUE, got \"=3\""), "\(bad.stderr)")

            // A placeholder nothing fills names the file and the placeholder.
            try Data(changed.replacingOccurrences(of: "${GlueRunnerActivityArn}", with: "${Nope}").utf8).write(to: file)
            let unfilled = try await flow.run([
                "deploy", "create-state-machine", "--bucket", Self.bucket, "--role-arn", otherRole, "--definition",
                file.path,
            ])
            #expect(unfilled.status == 1)
            #expect(unfilled.stderr == "sluice: error: \(file.path): no value for ${Nope}\n")
            await flow.shutdown()
        }

        static func canonical(_ text: String) throws -> Data {
            let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
            return try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
        }
    }
}
