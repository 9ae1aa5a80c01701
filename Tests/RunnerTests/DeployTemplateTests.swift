import Foundation
import TestSupport
import Testing

/// `sluice deploy template`: every variant passes cfn-lint, embeds the seed's state machine unchanged but for its
/// ARNs, and gives the worker only the permissions it uses.
@Suite(.tags(.pythonPeers), .needsPythonPeers) struct DeployTemplateTests {
    static let variants: [[String]] = [
        [],
        ["--worker", "ec2"],
        ["--athena"],
        ["--worker", "ec2", "--athena"],
        ["--bucket", "sluice-landing", "--image", "123456789012.dkr.ecr.us-east-1.amazonaws.com/sluice:0.1.0"],
        ["--worker", "ec2", "--athena", "--bucket", "sluice-landing", "--image", "ghcr.io/example/sluice:0.1.0"],
        ["--fan-out"],
        ["--worker", "ec2", "--athena", "--fan-out", "--bucket", "sluice-landing"],
    ]

    /// The template of `arguments`, written to a temporary file.
    static func template(_ arguments: [String]) throws -> URL {
        guard FileManager.default.isExecutableFile(atPath: Fixtures.sluice) else {
            throw FlowHarness.Failure(
                message: "no sluice binary at \(Fixtures.sluice): build it too (SLUICE_ONLY=Runner,sluice), or set "
                    + "SLUICE_BINARY"
            )
        }
        let result = try Subprocess.run(Fixtures.sluice, ["deploy", "template"] + arguments)
        guard result.status == 0, result.stderr.isEmpty else {
            throw FlowHarness.Failure(message: "sluice deploy template \(arguments) failed: \(result.stderr)")
        }
        let file = try Paths.temporaryDirectory("sluice-template").appendingPathComponent("sluice.yaml")
        try Data(result.stdout.utf8).write(to: file)
        return file
    }

    /// A Python script's JSON answer about the template of `arguments` (`template` is the parsed YAML).
    static func inspect(_ arguments: [String], _ script: String) throws -> [String: Any] {
        let file = try template(arguments)
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let output = try Python.run(
            "import sys, json, yaml\ntemplate = yaml.safe_load(open(sys.argv[1]))\n" + script,
            [file.path, Fixtures.url("MarketingAndSalesETLOrchestrator.asl.json").path]
        )
        return try jsonObject(output)
    }

    @Test(arguments: variants)
    func cfnLintFindsNothing(arguments: [String]) throws {
        let file = try Self.template(arguments)
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        // cfn-lint's own entry point, from the test peers' environment (Tests/requirements.txt pins it), with the
        // informational checks too.
        let lint = try Subprocess.run(
            Python.executable,
            [
                "-c", "import sys; from cfnlint.runner import main; sys.exit(main())", file.path, "--format",
                "parseable", "--include-checks", "I",
            ]
        )
        #expect(lint.status == 0, "cfn-lint \(arguments): \(lint.stdout) \(lint.stderr)")
        #expect(lint.stdout.isEmpty, "cfn-lint \(arguments): \(lint.stdout)")
    }

    @Test(arguments: [false, true])
    func theStateMachineIsTheSeedsButForItsARNs(athena: Bool) throws {
        let facts = try Self.inspect(
            athena ? ["--athena"] : [],
            """
            resources = template['Resources']
            machine = resources['MarketingAndSalesETLOrchestrator']['Properties']
            text, values = machine['DefinitionString']['Fn::Sub']
            fixture = json.load(open(sys.argv[2]))
            athena = resources.get('AthenaRunnerTestETLOrchestrator')
            print(json.dumps({
                'same': json.loads(text) == fixture,
                'name': machine['StateMachineName'],
                'values': values,
                'role': machine['RoleArn'],
                'activities': {k: v['Properties']['Name'] for k, v in resources.items()
                               if v['Type'] == 'AWS::StepFunctions::Activity'},
                'athena': None if athena is None else json.loads(athena['Properties']['DefinitionString']['Fn::Sub'][0]),
                'athenaValues': None if athena is None else athena['Properties']['DefinitionString']['Fn::Sub'][1],
            }))
            """
        )
        #expect(facts["same"] as? Bool == true)
        #expect(facts["name"] as? String == "MarketingAndSalesETLOrchestrator")
        // The seed's Fn::Sub values: the ARNs come from the activities of the stack, the job names are the seed's.
        let values = try #require(facts["values"] as? [String: Any])
        #expect(
            Set(values.keys) == [
                "GlueRunnerActivityArn", "WaitForSalesDataActivityArn", "WaitForMarketingDataActivityArn",
                "ProcessSalesDataGlueJobName", "ProcessMarketingDataGlueJobName", "JoinMarketingAndSalesDataJobName",
            ]
        )
        #expect((values["GlueRunnerActivityArn"] as? [String: String]) == ["Ref": "GlueRunnerActivity"])
        #expect((values["WaitForSalesDataActivityArn"] as? [String: String]) == ["Ref": "WaitForSalesDataActivity"])
        #expect(
            (values["WaitForMarketingDataActivityArn"] as? [String: String]) == ["Ref": "WaitForMarketingDataActivity"]
        )
        #expect(values["ProcessSalesDataGlueJobName"] as? String == "ProcessSalesData")
        #expect(values["ProcessMarketingDataGlueJobName"] as? String == "ProcessMarketingData")
        #expect(values["JoinMarketingAndSalesDataJobName"] as? String == "JoinMarketingAndSalesData")
        #expect((facts["role"] as? [String: [String]]) == ["Fn::GetAtt": ["StateExecutionRole", "Arn"]])

        let activities = try #require(facts["activities"] as? [String: Any])
        #expect((activities["GlueRunnerActivity"] as? [String: String]) == ["Ref": "GlueRunnerActivityName"])
        #expect(
            (activities["WaitForSalesDataActivity"] as? [String: String])
                == ["Fn::Sub": "${SourceDataBucketName}-SalesPipeline_QuickSightSample.csv"]
        )
        #expect(
            (activities["WaitForMarketingDataActivity"] as? [String: String])
                == ["Fn::Sub": "${SourceDataBucketName}-MarketingData_QuickSightSample.csv"]
        )
        #expect(activities.count == (athena ? 4 : 3))
        if athena {
            let definition = try #require(facts["athena"] as? [String: Any])
            #expect(definition["StartAt"] as? String == "Configure Athena Query")
            let states = try #require(definition["States"] as? [String: [String: Any]])
            #expect(states["Execute Athena Query"]?["Resource"] as? String == "${AthenaRunnerActivityArn}")
            let athenaValues = try #require(facts["athenaValues"] as? [String: Any])
            #expect((athenaValues["AthenaRunnerActivityArn"] as? [String: String]) == ["Ref": "AthenaRunnerActivity"])
            #expect(athenaValues["AthenaResultEncryptionOption"] as? String == "SSE_S3")
        } else {
            #expect(facts["athena"] is NSNull)
        }
    }

    /// `--fan-out` embeds the repository's fan-out flow, byte for byte, with its own role: what the Distributed
    /// Map needs (list the sales prefix, start, describe and stop the flow's child executions), nothing else.
    @Test(arguments: ["ecs", "ec2"]) func theFanOutFlowIsTheRepositorysWithARoleForItsMapOnly(worker: String) throws {
        let facts = try Self.inspect(
            ["--worker", worker, "--fan-out"],
            """
            r = template['Resources']
            machine = r['MarketingAndSalesFanOutETLOrchestrator']['Properties']
            text, values = machine['DefinitionString']['Fn::Sub']
            role = r['FanOutExecutionRole']['Properties']
            print(json.dumps({
                'text': text,
                'values': values,
                'name': machine['StateMachineName'],
                'role': machine['RoleArn'],
                'trust': role['AssumeRolePolicyDocument']['Statement'],
                'managed': role.get('ManagedPolicyArns'),
                'statements': [s for p in role['Policies'] for s in p['PolicyDocument']['Statement']],
                'parameters': {k: v for k, v in template['Parameters'].items()
                               if k in ('SalesPartitionsPrefix', 'MaxConcurrency')},
                'output': template['Outputs']['MarketingAndSalesFanOutETLOrchestratorArn']['Value'],
                'seedRole': r['MarketingAndSalesETLOrchestrator']['Properties']['RoleArn'],
            }))
            """
        )
        let file = try String(
            contentsOf: Paths.packageRoot.appendingPathComponent(
                "jobs/flows/MarketingAndSalesFanOutETLOrchestrator.asl.json"
            ),
            encoding: .utf8
        )
        let text = try #require(facts["text"] as? String)
        // The file's text, but for the partition of the ItemReader's service ARN (the stack's own).
        #expect(file.contains(#""arn:aws:states:::s3:listObjectsV2""#))
        #expect(
            text.trimmingCharacters(in: .newlines)
                == file.replacingOccurrences(
                    of: #""arn:aws:states:::"#,
                    with: #""arn:${AWS::Partition}:states:::"#
                ).trimmingCharacters(in: .newlines)
        )
        #expect(facts["name"] as? String == "MarketingAndSalesFanOutETLOrchestrator")
        // Every placeholder is a value or a parameter of the stack.
        let values = try #require(facts["values"] as? [String: Any])
        let parameters = try #require(facts["parameters"] as? [String: [String: Any]])
        var placeholders = Set<String>()
        var rest = text[...]
        while let start = rest.range(of: "${"), let end = rest[start.upperBound...].firstIndex(of: "}") {
            placeholders.insert(String(rest[start.upperBound..<end]))
            rest = rest[rest.index(after: end)...]
        }
        #expect(
            placeholders
                == Set(values.keys).union(parameters.keys).union(["SourceDataBucketName", "AWS::Partition"])
        )
        #expect((values["GlueRunnerActivityArn"] as? [String: String]) == ["Ref": "GlueRunnerActivity"])
        #expect(values["HeartbeatSeconds"] as? String == "60")
        #expect(values["TaskTimeoutSeconds"] as? String == "3600")
        #expect(parameters["SalesPartitionsPrefix"]?["Default"] as? String == "sales/")
        #expect(parameters["MaxConcurrency"]?["Type"] as? String == "Number")
        #expect(parameters["MaxConcurrency"]?["Default"] as? String == "40")
        #expect((facts["output"] as? [String: String]) == ["Ref": "MarketingAndSalesFanOutETLOrchestrator"])

        // Its own role; the seed's machine keeps the empty one.
        #expect((facts["role"] as? [String: [String]]) == ["Fn::GetAtt": ["FanOutExecutionRole", "Arn"]])
        #expect((facts["seedRole"] as? [String: [String]]) == ["Fn::GetAtt": ["StateExecutionRole", "Arn"]])
        let trust = try #require((facts["trust"] as? [[String: Any]])?.first)
        #expect((trust["Principal"] as? [String: String]) == ["Service": "states.amazonaws.com"])
        #expect(facts["managed"] is NSNull)
        let statements = try #require(facts["statements"] as? [[String: Any]])
        var actions: [String: [String]] = [:]
        var resources: [String: String] = [:]
        for statement in statements {
            let sid = statement["Sid"] as? String ?? "?"
            #expect(statement["Effect"] as? String == "Allow")
            actions[sid] = (statement["Action"] as? [String]) ?? [statement["Action"] as? String ?? "?"]
            resources[sid] = (statement["Resource"] as? [String: String])?["Fn::Sub"]
        }
        #expect(
            actions == [
                "ListSalesPartitions": ["s3:ListBucket"], "StartChildExecutions": ["states:StartExecution"],
                "ManageChildExecutions": ["states:DescribeExecution", "states:StopExecution"],
            ]
        )
        let account = "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}"
        #expect(
            resources == [
                "ListSalesPartitions": "arn:${AWS::Partition}:s3:::${SourceDataBucketName}",
                "StartChildExecutions": "\(account):stateMachine:MarketingAndSalesFanOutETLOrchestrator",
                "ManageChildExecutions": "\(account):execution:MarketingAndSalesFanOutETLOrchestrator/*",
            ]
        )
        let list = try #require(statements.first { $0["Sid"] as? String == "ListSalesPartitions" })
        #expect(
            ((list["Condition"] as? [String: [String: Any]])?["StringLike"]?["s3:prefix"] as? [String: String])
                == ["Fn::Sub": "${SalesPartitionsPrefix}*"]
        )

        // Without --fan-out, none of it.
        let plain = try Self.inspect(
            ["--worker", worker],
            """
            print(json.dumps({'resources': list(template['Resources']), 'parameters': list(template['Parameters'])}))
            """
        )
        let plainResources = try #require(plain["resources"] as? [String])
        #expect(!plainResources.contains("FanOutExecutionRole"))
        #expect(!plainResources.contains("MarketingAndSalesFanOutETLOrchestrator"))
        #expect(!((plain["parameters"] as? [String]) ?? []).contains("MaxConcurrency"))
    }

    @Test func theBucketNotifiesTheQueueWhichOnlyTheBucketMayWriteTo() throws {
        let facts = try Self.inspect(
            [],
            """
            r = template['Resources']
            bucket = r['SourceDataBucket']
            statement = r['ArrivalQueuePolicy']['Properties']['PolicyDocument']['Statement']
            print(json.dumps({
                'notifications': bucket['Properties']['NotificationConfiguration'],
                'dependsOn': bucket.get('DependsOn'),
                'queuePolicy': statement,
                'queues': r['ArrivalQueuePolicy']['Properties']['Queues'],
                'visibility': r['ArrivalQueue']['Properties']['VisibilityTimeout'],
                'parameters': list(template['Parameters']),
                'outputs': list(template['Outputs']),
                'logGroup': r['LogGroup']['Type'],
            }))
            """
        )
        let notifications = try #require(facts["notifications"] as? [String: [[String: Any]]])
        #expect(notifications.keys.sorted() == ["QueueConfigurations"])
        let queue = try #require(notifications["QueueConfigurations"]?.first)
        #expect(queue["Event"] as? String == "s3:ObjectCreated:*")
        #expect((queue["Queue"] as? [String: [String]]) == ["Fn::GetAtt": ["ArrivalQueue", "Arn"]])
        #expect(facts["dependsOn"] as? String == "ArrivalQueuePolicy")
        let statements = try #require(facts["queuePolicy"] as? [[String: Any]])
        #expect(statements.count == 1)
        #expect(statements.first?["Action"] as? String == "sqs:SendMessage")
        #expect((statements.first?["Principal"] as? [String: String]) == ["Service": "s3.amazonaws.com"])
        let condition = try #require(statements.first?["Condition"] as? [String: [String: Any]])
        #expect(
            (condition["ArnLike"]?["aws:SourceArn"] as? [String: String])
                == ["Fn::Sub": "arn:${AWS::Partition}:s3:::${SourceDataBucketName}"]
        )
        #expect((facts["visibility"] as? Int ?? 0) > 60)
        #expect(facts["logGroup"] as? String == "AWS::Logs::LogGroup")
        // The seed's names for what it already named.
        let parameters = try #require(facts["parameters"] as? [String])
        #expect(parameters.starts(with: ["SourceDataBucketName", "GlueRunnerActivityName"]))
        let outputs = try #require(facts["outputs"] as? [String])
        for name in [
            "GlueRunnerActivityArn", "WaitForSalesDataActivityArn", "WaitForMarketingDataActivityArn",
            "MarketingAndSalesETLOrchestratorArn", "SourceDataBucketName", "S3ETLOutputPath", "ArrivalQueueUrl",
        ] {
            #expect(outputs.contains(name), "output \(name)")
        }
    }

    /// With `--athena` the worker also serves the Athena runner's activity, on the image's S3 catalog, and may write
    /// its results.
    @Test(arguments: ["ecs", "ec2"]) func withAthenaTheWorkerServesTheAthenaRunnersActivity(worker: String) throws {
        let facts = try Self.inspect(
            ["--worker", worker, "--athena"],
            """
            r = template['Resources']
            statements = {s['Sid']: s['Resource'] for s in r['WorkerPolicy']['Properties']['PolicyDocument']['Statement']}
            if 'WorkerTaskDefinition' in r:
                command = [c for c in r['WorkerTaskDefinition']['Properties']['ContainerDefinitions'] if c['Name'] == 'worker'][0]['Command']
            else:
                command = r['WorkerLaunchTemplate']['Properties']['LaunchTemplateData']['UserData']['Fn::Base64']['Fn::Sub']
            print(json.dumps({'activities': statements['ActivityTasks'], 'writes': statements['WriteOutputs'], 'command': command}))
            """
        )
        #expect((facts["activities"] as? [[String: String]])?.last == ["Ref": "AthenaRunnerActivity"])
        #expect(
            (facts["writes"] as? [[String: String]])?.last
                == ["Fn::Sub": "arn:${AWS::Partition}:s3:::${SourceDataBucketName}/athena-runner-output/*"]
        )
        if let command = facts["command"] as? [Any] {
            let index = try #require(command.firstIndex { $0 as? String == "--athena-activity-arn" })
            #expect(command[index + 1] as? [String: String] == ["Ref": "AthenaRunnerActivity"])
            #expect(command[index + 3] as? String == "jobs/catalog/marketingandsales_qs-s3.json")
        } else {
            let script = try #require(facts["command"] as? String)
            #expect(
                script.contains(
                    "--athena-activity-arn ${AthenaRunnerActivity} --catalog jobs/catalog/marketingandsales_qs-s3.json"
                )
            )
        }
        #expect(
            FileManager.default.fileExists(
                atPath: Paths.packageRoot.path + "/jobs/catalog/marketingandsales_qs-s3.json"
            )
        )
    }

    @Test func theWorkersStopTimeoutCoversTheSixtySecondPoll() throws {
        let ecs = try Self.inspect(
            [],
            """
            td = template['Resources']['WorkerTaskDefinition']['Properties']
            print(json.dumps({c['Name']: {'stop': c['StopTimeout'], 'command': c['Command'], 'entry': c['EntryPoint'],
                              'log': c['LogConfiguration']['LogDriver']} for c in td['ContainerDefinitions']}))
            """
        )
        #expect(ecs.keys.sorted() == ["watch", "worker"])
        for (name, value) in ecs {
            let container = try #require(value as? [String: Any])
            #expect(container["stop"] as? Int == 120, "\(name)")
            #expect(container["entry"] as? [String] == ["sluice"])
            #expect(container["log"] as? String == "awslogs")
        }
        let worker = try #require((ecs["worker"] as? [String: Any])?["command"] as? [Any])
        #expect(worker.first as? String == "worker")
        // The grace after SIGTERM plus the 60 s poll in flight fit in the stop timeout.
        let grace = try #require(worker.firstIndex { $0 as? String == "--grace" }.map { worker[$0 + 1] as? String })
        #expect(60 + (Int(grace ?? "") ?? 999) < 120)
        let watch = try #require((ecs["watch"] as? [String: Any])?["command"] as? [Any])
        #expect(watch.first as? String == "watch")
        #expect(watch.contains { $0 as? String == "--queue-url" })

        let ec2 = try Self.inspect(
            ["--worker", "ec2"],
            """
            data = template['Resources']['WorkerLaunchTemplate']['Properties']['LaunchTemplateData']
            script = data['UserData']['Fn::Base64']['Fn::Sub']
            print(json.dumps({'script': script, 'tokens': data['MetadataOptions']['HttpTokens']}))
            """
        )
        let script = try #require(ec2["script"] as? String)
        #expect(script.components(separatedBy: "TimeoutStopSec=120\n").count == 3)
        #expect(script.components(separatedBy: "docker stop --time 115").count == 3)
        #expect(script.contains("sluice-worker.service") && script.contains("sluice-watch.service"))
        #expect(script.contains("worker --activity-arn ${GlueRunnerActivity} --jobs jobs/s3 --grace 50"))
        #expect(ec2["tokens"] as? String == "required")
    }

    /// The Step Functions calls of the worker, from the protocol it calls them through
    /// (`Sources/Runner/ActivityService.swift`), as IAM actions.
    static func workerStepFunctionsActions() throws -> Set<String> {
        let source = try String(
            contentsOf: Paths.packageRoot.appendingPathComponent("Sources/Runner/ActivityService.swift"),
            encoding: .utf8
        )
        var actions = Set<String>()
        for line in source.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "(" })
            guard let index = words.firstIndex(of: "func"), index + 1 < words.count else { continue }
            let name = words[index + 1]
            actions.insert("states:" + name.prefix(1).uppercased() + name.dropFirst())
        }
        return actions
    }

    @Test(arguments: ["ecs", "ec2"])
    func theWorkerPolicyHoldsOnlyTheActionsTheWorkerCalls(worker: String) throws {
        let facts = try Self.inspect(
            ["--worker", worker],
            """
            r = template['Resources']
            statements = r['WorkerPolicy']['Properties']['PolicyDocument']['Statement']
            actions = sorted(a for s in statements for a in s['Action'])
            roles = {k: v['Properties'] for k, v in r.items() if v['Type'] == 'AWS::IAM::Role'}
            print(json.dumps({
                'actions': actions,
                'effects': sorted({s['Effect'] for s in statements}),
                'resources': {s['Sid']: s['Resource'] for s in statements},
                'roles': {k: {'managed': [json.dumps(m) for m in p.get('ManagedPolicyArns', [])],
                              'inline': sorted(a for pol in p.get('Policies', []) for s in pol['PolicyDocument']['Statement']
                                               for a in s['Action'])} for k, p in roles.items()},
            }))
            """
        )
        let actions = try #require(facts["actions"] as? [String])
        #expect(actions.count == Set(actions).count)
        let stepFunctions = try Self.workerStepFunctionsActions()
        #expect(stepFunctions.count == 4)
        // S3: HeadObject and GET of inputs and outputs; PutObject and multipart uploads, DeleteObjects and aborted
        // uploads of the jobs' commits; ListObjectsV2 of datasets and ListMultipartUploads of their cleanup.
        // SQS: the arrival queue's ReceiveMessage and DeleteMessage.
        let expected = stepFunctions.union([
            "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListBucket",
            "s3:ListBucketMultipartUploads", "sqs:ReceiveMessage", "sqs:DeleteMessage",
        ])
        #expect(Set(actions) == expected)
        #expect(facts["effects"] as? [String] == ["Allow"])
        let resources = try #require(facts["resources"] as? [String: Any])
        #expect(!resources.values.contains { $0 as? String == "*" })
        #expect(
            (resources["WriteOutputs"] as? [String: String])
                == ["Fn::Sub": "arn:${AWS::Partition}:s3:::${SourceDataBucketName}/${ETLOutputPrefix}/*"]
        )
        #expect((resources["ActivityTasks"] as? [[String: String]])?.count == 3)

        let roles = try #require(facts["roles"] as? [String: [String: [String]]])
        // Step Functions needs nothing to schedule activity tasks.
        #expect(roles["StateExecutionRole"] == ["managed": [], "inline": []])
        let workerRole = worker == "ecs" ? "WorkerTaskRole" : "WorkerInstanceRole"
        #expect(roles[workerRole]?["managed"] == [#"{"Ref": "WorkerPolicy"}"#])
        if worker == "ecs" {
            #expect(roles[workerRole]?["inline"] == [])
            // The platform's role: the image and the logs, through AWS's own policy for that.
            #expect(roles["TaskExecutionRole"]?["inline"] == [])
            #expect(
                roles["TaskExecutionRole"]?["managed"]
                    == [
                        #"{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"}"#
                    ]
            )
            #expect(roles.count == 3)
        } else {
            // The host pulls the image and ships the logs; nothing else beside the worker's policy.
            #expect(
                roles[workerRole]?["inline"]
                    == [
                        "ecr:BatchGetImage", "ecr:GetAuthorizationToken", "ecr:GetDownloadUrlForLayer",
                        "logs:CreateLogStream", "logs:PutLogEvents",
                    ]
            )
            #expect(roles.count == 2)
        }
    }

    @Test(arguments: ["template", "create-activities", "create-state-machine", "status"])
    func everyDeployCommandHasHelpWithExamples(command: String) throws {
        let result = try Subprocess.run(Fixtures.sluice, ["deploy", command, "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: sluice deploy \(command)"))
        #expect(result.stdout.contains("Examples:"))
    }

    @Test func badOptionsAreUsageErrors() throws {
        let bucket = try Subprocess.run(Fixtures.sluice, ["deploy", "template", "--bucket", "Not_A_Bucket"])
        #expect(bucket.status == 64)
        #expect(bucket.stderr.contains("is not an S3 bucket name"))
        let worker = try Subprocess.run(Fixtures.sluice, ["deploy", "template", "--worker", "lambda"])
        #expect(worker.status == 64)
        let role = try Subprocess.run(
            Fixtures.sluice,
            ["deploy", "create-state-machine", "--bucket", "b-u-c", "--role-arn", "StateExecutionRole"]
        )
        #expect(role.status == 64)
        #expect(role.stderr.contains("--role-arn must be an IAM role ARN"))
        let name = try Subprocess.run(
            Fixtures.sluice,
            [
                "deploy", "create-state-machine", "--bucket", "b-u-c", "--role-arn", "arn:aws:iam::1:role/R", "--name",
                "X",
            ]
        )
        #expect(name.status == 64)
        #expect(name.stderr.contains("there is no built-in definition of \"X\": give --definition FILE"))
    }
}
