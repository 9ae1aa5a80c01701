import Foundation

/// The CloudFormation template `sluice deploy template` prints: what the seed's `step-functions-resources`,
/// `glue-resources` and `gluerunner-lambda` stacks create, for Sluice, in one stack.
///
/// - the three activities and the seed's `MarketingAndSalesETLOrchestrator`, its definition unchanged but for
///   its ARNs (and, with ``athena``, `AthenaRunnerActivity` and `AthenaRunnerTestETLOrchestrator`; with
///   ``fanOut``, the fan-out flow `MarketingAndSalesFanOutETLOrchestrator` and the role its Distributed Map needs);
/// - the data bucket, whose `s3:ObjectCreated:*` notifications for `.csv` keys go to an SQS queue that
///   `sluice watch --queue-url` reads (the seed's S3 Lambda);
/// - `WorkerPolicy`, the worker's only permissions: poll and report on its activities, read the bucket, write
///   under the output prefix, read the queue;
/// - a log group, and the worker (`sluice worker` and `sluice watch`) as an ECS Fargate service or as an EC2
///   Auto Scaling group of one instance running them as systemd units. Both stop timeouts (120 s) cover a
///   60 s poll in flight plus the worker's 50 s `--grace`.
///
/// Intrinsic functions are written in their long form (`Ref`, `Fn::Sub`, `Fn::GetAtt`), so any YAML parser
/// reads the template.
struct DeployTemplate: Sendable {
    /// Where the worker runs.
    enum WorkerPlatform: String, Sendable, CaseIterable {
        case ecs
        case ec2
    }

    var worker: WorkerPlatform = .ecs
    /// The default of `SourceDataBucketName` (none: the parameter must be given).
    var bucket: String?
    /// The default of `SluiceImage` (none: the parameter must be given).
    var image: String?
    /// Adds the Athena runner's activity and its test state machine.
    var athena = false
    /// Adds the fan-out flow (``DeployDefinitions/fanOut``) and its execution role.
    var fanOut = false

    /// Seconds the platform waits after SIGTERM before it kills the worker: the poll in flight (60 s) plus
    /// ``workerGrace`` plus a margin. 120 s is also Fargate's maximum.
    static let stopTimeout = 120
    /// The worker's `--grace`: seconds running jobs get after SIGTERM.
    static let workerGrace = 50
    /// The SQS visibility timeout: longer than the 60 s poll that completing an arrival can take.
    static let queueVisibilityTimeout = 300

    /// The template as YAML.
    var text: String { document.text }

    /// The template as a tree.
    var document: DeployYAML {
        var top: [(String, DeployYAML)?] = [
            ("AWSTemplateFormatVersion", .string("2010-09-09")),
            ("Description", .string(description)),
            ("Parameters", .object(parameters)),
        ]
        top.append(("Resources", .object(resources)))
        top.append(("Outputs", .object(outputs)))
        return .object(top)
    }

    private var description: String {
        "Sluice \(SluiceVersion.current): the seed's Step Functions activities and state machine, the data bucket "
            + "with its S3 notifications to SQS, and the Sluice worker on "
            + (worker == .ecs ? "ECS Fargate." : "an EC2 Auto Scaling group.")
    }

    // MARK: Parameters

    private var parameters: [(String, DeployYAML)?] {
        var list: [(String, DeployYAML)?] = [
            (
                "SourceDataBucketName",
                .object([
                    ("Type", .string("String")),
                    bucket.map { ("Default", .string($0)) },
                    ("MinLength", .string("3")),
                    ("MaxLength", .string("63")),
                    ("AllowedPattern", .string("^[a-z0-9][a-z0-9.-]*[a-z0-9]$")),
                    (
                        "Description",
                        .string(
                            "Name of the S3 bucket in which the source Marketing and Sales data will be uploaded. "
                                + "Bucket is created by this CFT."
                        )
                    ),
                ])
            ),
            (
                "GlueRunnerActivityName",
                .object([
                    "Type": .string("String"),
                    "Default": .string(DeployDefinitions.glueRunnerActivityName),
                    "Description": .string("Name of the AWS Step Functions activity to be polled by sluice worker."),
                ])
            ),
        ]
        if athena {
            list += [
                (
                    "AthenaRunnerActivityName",
                    .object([
                        "Type": .string("String"),
                        "Default": .string(DeployDefinitions.athenaRunnerActivityName),
                        "Description": .string("Name of the AWS Step Functions activity of the Athena runner."),
                    ])
                ),
                (
                    "MarketingAndSalesDatabaseName",
                    .object([
                        "Type": .string("String"),
                        "MinLength": .string("4"),
                        "Default": .string(DeployDefinitions.databaseName),
                        "Description": .string("Name of the database the Athena runner's test query uses."),
                    ])
                ),
                (
                    "MarketingTableName",
                    .object([
                        "Type": .string("String"),
                        "MinLength": .string("4"),
                        "Default": .string(DeployDefinitions.marketingTableName),
                        "Description": .string("Name of the Marketing data table the test query reads."),
                    ])
                ),
            ]
        }
        if fanOut {
            list += [
                (
                    "SalesPartitionsPrefix",
                    .object([
                        "Type": .string("String"),
                        "Default": .string(DeployDefinitions.fanOutDefault("SalesPartitionsPrefix")),
                        "AllowedPattern": .string("^([A-Za-z0-9_.=-]+/)*$"),
                        "Description": .string(
                            "Key prefix (ending in a slash) of the sales objects the fan-out flow's Distributed "
                                + "Map lists: one psd-partial task per object."
                        ),
                    ])
                ),
                (
                    "MaxConcurrency",
                    .object([
                        "Type": .string("Number"),
                        "Default": .string(DeployDefinitions.fanOutDefault("MaxConcurrency")),
                        "MinValue": .string("1"),
                        "MaxValue": .string("10000"),
                        "Description": .string(
                            "Child executions the fan-out flow's Map runs at once: the workers times their "
                                + "--concurrency."
                        ),
                    ])
                ),
            ]
        }
        list += [
            (
                "ETLOutputPrefix",
                .object([
                    "Type": .string("String"),
                    "Default": .string("output"),
                    "AllowedPattern": .string("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$"),
                    "Description": .string(
                        "Key prefix (no leading or trailing slash) in the data bucket under which the jobs write "
                            + "their datasets; the worker may write nowhere else."
                    ),
                ])
            ),
            (
                "SluiceImage",
                .object([
                    ("Type", .string("String")),
                    image.map { ("Default", .string($0)) },
                    ("MinLength", .string("1")),
                    (
                        "Description",
                        .string(
                            "Container image with sluice on its PATH and the job files in jobs/ of its working "
                                + "directory (e.g. an ECR repository URI with a tag)."
                        )
                    ),
                ])
            ),
            (
                "VpcId",
                .object([
                    "Type": .string("AWS::EC2::VPC::Id"),
                    "Description": .string("The VPC the worker runs in (the default VPC will do)."),
                ])
            ),
            (
                "SubnetIds",
                .object([
                    "Type": .string("List<AWS::EC2::Subnet::Id>"),
                    "Description": .string(
                        "Subnets of that VPC for the worker; they need a route to the AWS APIs (an internet "
                            + "gateway with public IPs, a NAT gateway, or VPC endpoints)."
                    ),
                ])
            ),
        ]
        switch worker {
        case .ecs:
            list.append(
                (
                    "AssignPublicIp",
                    .object([
                        "Type": .string("String"),
                        "Default": .string("ENABLED"),
                        "AllowedValues": .strings(["ENABLED", "DISABLED"]),
                        "Description": .string(
                            "Whether the task gets a public IP (needed in public subnets without a NAT gateway)."
                        ),
                    ])
                )
            )
        case .ec2:
            list += [
                (
                    "InstanceType",
                    .object([
                        "Type": .string("String"),
                        "Default": .string("t3.medium"),
                        "Description": .string("EC2 instance type of the worker."),
                    ])
                ),
                (
                    "LatestAmiId",
                    .object([
                        "Type": .string("AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"),
                        "Default": .string("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"),
                        "Description": .string("The worker's AMI (Amazon Linux 2023 by default)."),
                    ])
                ),
            ]
        }
        return list
    }

    // MARK: Resources

    private var resources: [(String, DeployYAML)?] {
        var list: [(String, DeployYAML)?] = [
            ("StateExecutionRole", stateExecutionRole),
            ("GlueRunnerActivity", activity(name: ref("GlueRunnerActivityName"))),
        ]
        if athena { list.append(("AthenaRunnerActivity", activity(name: ref("AthenaRunnerActivityName")))) }
        list += [
            (
                "WaitForSalesDataActivity",
                activity(name: sub("${SourceDataBucketName}-\(DeployDefinitions.salesFile)"))
            ),
            (
                "WaitForMarketingDataActivity",
                activity(name: sub("${SourceDataBucketName}-\(DeployDefinitions.marketingFile)"))
            ),
        ]
        if athena { list.append(("AthenaRunnerTestETLOrchestrator", athenaTestMachine)) }
        if fanOut {
            list += [
                ("FanOutExecutionRole", fanOutExecutionRole), ("MarketingAndSalesFanOutETLOrchestrator", fanOutFlow),
            ]
        }
        list += [
            ("MarketingAndSalesETLOrchestrator", orchestrator),
            ("ArrivalQueue", arrivalQueue),
            ("ArrivalQueuePolicy", arrivalQueuePolicy),
            ("SourceDataBucket", sourceDataBucket),
            ("LogGroup", logGroup),
            ("WorkerPolicy", workerPolicy),
            ("WorkerSecurityGroup", securityGroup),
        ]
        switch worker {
        case .ecs:
            list += [
                ("TaskExecutionRole", taskExecutionRole),
                ("WorkerTaskRole", role(service: "ecs-tasks.amazonaws.com", policies: [ref("WorkerPolicy")])),
                ("Cluster", .object(["Type": .string("AWS::ECS::Cluster")])),
                ("WorkerTaskDefinition", taskDefinition),
                ("WorkerService", service),
            ]
        case .ec2:
            list += [
                ("WorkerInstanceRole", instanceRole),
                (
                    "WorkerInstanceProfile",
                    .object([
                        "Type": .string("AWS::IAM::InstanceProfile"),
                        "Properties": .object(["Roles": .list([ref("WorkerInstanceRole")])]),
                    ])
                ),
                ("WorkerLaunchTemplate", launchTemplate),
                ("WorkerAutoScalingGroup", autoScalingGroup),
            ]
        }
        return list
    }

    /// The role executions run as. Activity tasks need no permission, so it has none.
    private var stateExecutionRole: DeployYAML {
        role(service: "states.amazonaws.com", policies: [])
    }

    private func activity(name: DeployYAML) -> DeployYAML {
        .object([
            "Type": .string("AWS::StepFunctions::Activity"),
            "Properties": .object(["Name": name]),
        ])
    }

    /// The `Fn::Sub` values the seed's flow and the fan-out flow share: the stack's activities, and the Glue job
    /// names `definition` uses.
    private func seedValues(for definition: String) -> [(String, DeployYAML)?] {
        var values: [(String, DeployYAML)?] = [
            ("GlueRunnerActivityArn", ref("GlueRunnerActivity")),
            ("WaitForSalesDataActivityArn", ref("WaitForSalesDataActivity")),
            ("WaitForMarketingDataActivityArn", ref("WaitForMarketingDataActivity")),
        ]
        for (key, job) in DeployDefinitions.jobNames where definition.contains("${\(key)}") {
            values.append((key, .string(job)))
        }
        return values
    }

    private var orchestrator: DeployYAML {
        stateMachine(
            name: DeployDefinitions.orchestratorName,
            definition: DeployDefinitions.orchestrator,
            values: seedValues(for: DeployDefinitions.orchestrator)
        )
    }

    private var athenaTestMachine: DeployYAML {
        stateMachine(
            name: DeployDefinitions.athenaTestName,
            definition: DeployDefinitions.athenaTest,
            values: [
                ("GlueDatabaseName", ref("MarketingAndSalesDatabaseName")),
                ("GlueTableName", ref("MarketingTableName")),
                ("AthenaRunnerActivityArn", ref("AthenaRunnerActivity")),
                ("AthenaResultOutputLocation", sub("s3://${SourceDataBucketName}/athena-runner-output/")),
                ("AthenaResultEncryptionOption", .string("SSE_S3")),
            ]
        )
    }

    /// The fan-out flow, its definition the repository's but for the partition of the ItemReader's ARN
    /// (`arn:${AWS::Partition}:states:::s3:listObjectsV2`): the seed's values, the fan-out's own
    /// (`${SourceDataBucketName}`, `${SalesPartitionsPrefix}` and `${MaxConcurrency}` are parameters), and its own
    /// role.
    private var fanOutFlow: DeployYAML {
        var values = seedValues(for: DeployDefinitions.fanOut)
        for key in ["HeartbeatSeconds", "TaskTimeoutSeconds"] {
            values.append((key, .string(DeployDefinitions.fanOutDefault(key))))
        }
        // The ItemReader's service ARN takes the stack's partition.
        let definition = DeployDefinitions.fanOut.replacingOccurrences(
            of: "\"arn:aws:states:::",
            with: "\"arn:${AWS::Partition}:states:::"
        )
        return stateMachine(
            name: DeployDefinitions.fanOutName,
            definition: definition,
            values: values,
            role: "FanOutExecutionRole"
        )
    }

    /// What Step Functions needs to run the fan-out flow's Distributed Map, and nothing else: list the sales
    /// prefix (its `s3:listObjectsV2` ItemReader), start its child executions (executions of the flow itself),
    /// and describe and stop them. The flow's ARN is built from its fixed name: a reference to the state machine
    /// would be a cycle.
    private var fanOutExecutionRole: DeployYAML {
        let flow = "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}"
        return .object([
            "Type": .string("AWS::IAM::Role"),
            "Properties": .object([
                "AssumeRolePolicyDocument": trustPolicy(service: "states.amazonaws.com", sourceAccount: true),
                "Policies": .list([
                    .object([
                        "PolicyName": .string("DistributedMap"),
                        "PolicyDocument": policyDocument([
                            .object([
                                "Sid": .string("ListSalesPartitions"),
                                "Effect": .string("Allow"),
                                "Action": .string("s3:ListBucket"),
                                "Resource": sub("arn:${AWS::Partition}:s3:::${SourceDataBucketName}"),
                                "Condition": .object([
                                    "StringLike": .object(["s3:prefix": sub("${SalesPartitionsPrefix}*")])
                                ]),
                            ]),
                            .object([
                                "Sid": .string("StartChildExecutions"),
                                "Effect": .string("Allow"),
                                "Action": .string("states:StartExecution"),
                                "Resource": sub("\(flow):stateMachine:\(DeployDefinitions.fanOutName)"),
                            ]),
                            .object([
                                "Sid": .string("ManageChildExecutions"),
                                "Effect": .string("Allow"),
                                "Action": .strings(["states:DescribeExecution", "states:StopExecution"]),
                                "Resource": sub("\(flow):execution:\(DeployDefinitions.fanOutName)/*"),
                            ]),
                        ]),
                    ])
                ]),
                "Path": .string("/"),
            ]),
        ])
    }

    private func stateMachine(
        name: String,
        definition: String,
        values: [(String, DeployYAML)?],
        role: String = "StateExecutionRole"
    ) -> DeployYAML {
        .object([
            "Type": .string("AWS::StepFunctions::StateMachine"),
            "Properties": .object([
                "StateMachineName": .string(name),
                "DefinitionString": .object(["Fn::Sub": .list([.block(definition), .object(values)])]),
                "RoleArn": getAtt(role, "Arn"),
            ]),
        ])
    }

    private var arrivalQueue: DeployYAML {
        .object([
            "Type": .string("AWS::SQS::Queue"),
            // Pending notifications go with the stack.
            "DeletionPolicy": .string("Delete"),
            "UpdateReplacePolicy": .string("Delete"),
            "Properties": .object([
                "VisibilityTimeout": .int(Self.queueVisibilityTimeout),
                "MessageRetentionPeriod": .int(1_209_600),
                "ReceiveMessageWaitTimeSeconds": .int(20),
                "SqsManagedSseEnabled": .bool(true),
            ]),
        ])
    }

    /// Lets the bucket (and only it, of this account) send its notifications.
    private var arrivalQueuePolicy: DeployYAML {
        .object([
            "Type": .string("AWS::SQS::QueuePolicy"),
            "Properties": .object([
                "Queues": .list([ref("ArrivalQueue")]),
                "PolicyDocument": policyDocument([
                    .object([
                        "Sid": .string("S3ObjectCreatedNotifications"),
                        "Effect": .string("Allow"),
                        "Principal": .object(["Service": .string("s3.amazonaws.com")]),
                        "Action": .string("sqs:SendMessage"),
                        "Resource": getAtt("ArrivalQueue", "Arn"),
                        "Condition": .object([
                            "ArnLike": .object([
                                "aws:SourceArn": sub("arn:${AWS::Partition}:s3:::${SourceDataBucketName}")
                            ]),
                            "StringEquals": .object(["aws:SourceAccount": ref("AWS::AccountId")]),
                        ]),
                    ])
                ]),
            ]),
        ])
    }

    private var sourceDataBucket: DeployYAML {
        .object([
            "Type": .string("AWS::S3::Bucket"),
            // The data outlives the stack: deleting the stack keeps the bucket and what is in it.
            "DeletionPolicy": .string("Retain"),
            "UpdateReplacePolicy": .string("Retain"),
            "DependsOn": .string("ArrivalQueuePolicy"),
            "Properties": .object([
                "BucketName": ref("SourceDataBucketName"),
                "BucketEncryption": .object([
                    "ServerSideEncryptionConfiguration": .list([
                        .object(["ServerSideEncryptionByDefault": .object(["SSEAlgorithm": .string("AES256")])])
                    ])
                ]),
                "PublicAccessBlockConfiguration": .object([
                    "BlockPublicAcls": .bool(true),
                    "BlockPublicPolicy": .bool(true),
                    "IgnorePublicAcls": .bool(true),
                    "RestrictPublicBuckets": .bool(true),
                ]),
                "NotificationConfiguration": .object([
                    "QueueConfigurations": .list([
                        .object([
                            "Event": .string("s3:ObjectCreated:*"),
                            "Queue": getAtt("ArrivalQueue", "Arn"),
                            "Filter": .object([
                                "S3Key": .object([
                                    "Rules": .list([.object(["Name": .string("suffix"), "Value": .string("csv")])])
                                ])
                            ]),
                        ])
                    ])
                ]),
            ]),
        ])
    }

    private var logGroup: DeployYAML {
        .object([
            "Type": .string("AWS::Logs::LogGroup"),
            "DeletionPolicy": .string("Delete"),
            "UpdateReplacePolicy": .string("Delete"),
            "Properties": .object([
                "LogGroupName": sub("/sluice/${AWS::StackName}"),
                "RetentionInDays": .int(30),
            ]),
        ])
    }

    /// The actions `WorkerPolicy` allows, by statement: what `sluice worker` and `sluice watch` call, nothing
    /// else. Step Functions: the four activity-worker calls (GetActivityTask, SendTaskSuccess, SendTaskFailure,
    /// SendTaskHeartbeat). S3: GetObject (HeadObject and ranged GETs of inputs and of the jobs' own outputs);
    /// PutObject (PutObject, multipart uploads, CopyObject's target), DeleteObject (DeleteObjects of the
    /// previous run's files) and AbortMultipartUpload under the output prefix; ListBucket (ListObjectsV2 of the
    /// input prefixes, of the datasets and of `sluice watch`'s listing) and ListBucketMultipartUploads (cleanup of
    /// incomplete uploads).
    /// SQS: ReceiveMessage and DeleteMessage on the arrival queue.
    static let workerActions: [String: [String]] = [
        "ActivityTasks": [
            "states:GetActivityTask", "states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat",
        ],
        "ReadData": ["s3:GetObject"],
        "WriteOutputs": ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
        "ListOutputs": ["s3:ListBucket"],
        "ListUploads": ["s3:ListBucketMultipartUploads"],
        "ArrivalQueue": ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
    ]

    private var workerPolicy: DeployYAML {
        let bucketArn = sub("arn:${AWS::Partition}:s3:::${SourceDataBucketName}")
        func statement(_ sid: String, _ resource: DeployYAML) -> DeployYAML {
            .object([
                ("Sid", .string(sid)),
                ("Effect", .string("Allow")),
                ("Action", .strings(Self.workerActions[sid] ?? [])),
                ("Resource", resource),
            ])
        }
        return .object([
            "Type": .string("AWS::IAM::ManagedPolicy"),
            "Properties": .object([
                "Description": .string(
                    "sluice worker and sluice watch: poll and report on their activities, read the data bucket, "
                        + "write under the output prefix, read the arrival queue."
                ),
                "PolicyDocument": policyDocument([
                    statement(
                        "ActivityTasks",
                        .list(
                            [
                                ref("GlueRunnerActivity"), ref("WaitForSalesDataActivity"),
                                ref("WaitForMarketingDataActivity"),
                            ] + (athena ? [ref("AthenaRunnerActivity")] : [])
                        )
                    ),
                    statement("ReadData", sub("arn:${AWS::Partition}:s3:::${SourceDataBucketName}/*")),
                    statement(
                        "WriteOutputs",
                        athena
                            ? .list([
                                sub("arn:${AWS::Partition}:s3:::${SourceDataBucketName}/${ETLOutputPrefix}/*"),
                                // The Athena runner's results (the test state machine's AthenaResultOutputLocation).
                                sub("arn:${AWS::Partition}:s3:::${SourceDataBucketName}/athena-runner-output/*"),
                            ])
                            : sub("arn:${AWS::Partition}:s3:::${SourceDataBucketName}/${ETLOutputPrefix}/*")
                    ),
                    statement("ListOutputs", bucketArn),
                    statement("ListUploads", bucketArn),
                    statement("ArrivalQueue", getAtt("ArrivalQueue", "Arn")),
                ]),
            ]),
        ])
    }

    /// Outbound HTTPS only (the AWS APIs); nothing may connect to the worker.
    private var securityGroup: DeployYAML {
        .object([
            "Type": .string("AWS::EC2::SecurityGroup"),
            "Properties": .object([
                "GroupDescription": .string("sluice worker: outbound HTTPS to the AWS APIs only"),
                "VpcId": ref("VpcId"),
                "SecurityGroupEgress": .list([
                    .object([
                        "Description": .string("HTTPS to the AWS APIs"),
                        "IpProtocol": .string("tcp"),
                        "FromPort": .int(443),
                        "ToPort": .int(443),
                        "CidrIp": .string("0.0.0.0/0"),
                    ])
                ]),
            ]),
        ])
    }

    /// Pulls the image and writes the containers' logs: the platform's part, not the worker's.
    private var taskExecutionRole: DeployYAML {
        role(
            service: "ecs-tasks.amazonaws.com",
            policies: [sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")]
        )
    }

    /// `sluice worker` and `sluice watch` as the two essential containers of one Fargate task.
    private var taskDefinition: DeployYAML {
        func container(_ name: String, _ command: [DeployYAML]) -> DeployYAML {
            .object([
                "Name": .string(name),
                "Image": ref("SluiceImage"),
                "Essential": .bool(true),
                "EntryPoint": .strings(["sluice"]),
                "Command": .list(command),
                "StopTimeout": .int(Self.stopTimeout),
                "LinuxParameters": .object(["InitProcessEnabled": .bool(true)]),
                "Environment": .list(environment.map { .object(["Name": .string($0.0), "Value": $0.1]) }),
                "LogConfiguration": .object([
                    "LogDriver": .string("awslogs"),
                    "Options": .object([
                        "awslogs-group": ref("LogGroup"),
                        "awslogs-region": ref("AWS::Region"),
                        "awslogs-stream-prefix": .string(name),
                    ]),
                ]),
            ])
        }
        return .object([
            "Type": .string("AWS::ECS::TaskDefinition"),
            "Properties": .object([
                "Family": sub("${AWS::StackName}-sluice"),
                "RequiresCompatibilities": .strings(["FARGATE"]),
                "NetworkMode": .string("awsvpc"),
                "Cpu": .string("1024"),
                "Memory": .string("2048"),
                "RuntimePlatform": .object([
                    "OperatingSystemFamily": .string("LINUX"),
                    "CpuArchitecture": .string("X86_64"),
                ]),
                "ExecutionRoleArn": getAtt("TaskExecutionRole", "Arn"),
                "TaskRoleArn": getAtt("WorkerTaskRole", "Arn"),
                "ContainerDefinitions": .list([
                    container("worker", workerArguments), container("watch", watchArguments),
                ]),
            ]),
        ])
    }

    private var service: DeployYAML {
        .object([
            "Type": .string("AWS::ECS::Service"),
            "Properties": .object([
                "Cluster": ref("Cluster"),
                "TaskDefinition": ref("WorkerTaskDefinition"),
                "LaunchType": .string("FARGATE"),
                "DesiredCount": .int(1),
                "NetworkConfiguration": .object([
                    "AwsvpcConfiguration": .object([
                        "AssignPublicIp": ref("AssignPublicIp"),
                        "Subnets": ref("SubnetIds"),
                        "SecurityGroups": .list([ref("WorkerSecurityGroup")]),
                    ])
                ]),
            ]),
        ])
    }

    /// The worker's permissions plus what the host needs to pull the image and ship the logs.
    private var instanceRole: DeployYAML {
        .object([
            "Type": .string("AWS::IAM::Role"),
            "Properties": .object([
                "AssumeRolePolicyDocument": trustPolicy(service: "ec2.amazonaws.com", sourceAccount: false),
                "ManagedPolicyArns": .list([ref("WorkerPolicy")]),
                "Policies": .list([
                    .object([
                        "PolicyName": .string("WorkerHost"),
                        "PolicyDocument": policyDocument([
                            .object([
                                "Sid": .string("PullImage"),
                                "Effect": .string("Allow"),
                                "Action": .strings([
                                    "ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
                                ]),
                                "Resource": .string("*"),
                            ]),
                            .object([
                                "Sid": .string("ShipLogs"),
                                "Effect": .string("Allow"),
                                "Action": .strings(["logs:CreateLogStream", "logs:PutLogEvents"]),
                                "Resource": getAtt("LogGroup", "Arn"),
                            ]),
                        ]),
                    ])
                ]),
                "Path": .string("/"),
            ]),
        ])
    }

    private var launchTemplate: DeployYAML {
        .object([
            "Type": .string("AWS::EC2::LaunchTemplate"),
            "Properties": .object([
                "LaunchTemplateData": .object([
                    "ImageId": ref("LatestAmiId"),
                    "InstanceType": ref("InstanceType"),
                    "IamInstanceProfile": .object(["Arn": getAtt("WorkerInstanceProfile", "Arn")]),
                    "SecurityGroupIds": .list([ref("WorkerSecurityGroup")]),
                    // IMDSv2 only; a hop limit of 2 lets the containers reach it for the instance's credentials.
                    "MetadataOptions": .object([
                        "HttpTokens": .string("required"),
                        "HttpPutResponseHopLimit": .int(2),
                    ]),
                    "UserData": .object(["Fn::Base64": .object(["Fn::Sub": .block(userData)])]),
                ])
            ]),
        ])
    }

    private var autoScalingGroup: DeployYAML {
        .object([
            "Type": .string("AWS::AutoScaling::AutoScalingGroup"),
            "Properties": .object([
                "MinSize": .string("1"),
                "MaxSize": .string("1"),
                "DesiredCapacity": .string("1"),
                "VPCZoneIdentifier": ref("SubnetIds"),
                "LaunchTemplate": .object([
                    "LaunchTemplateId": ref("WorkerLaunchTemplate"),
                    "Version": getAtt("WorkerLaunchTemplate", "LatestVersionNumber"),
                ]),
            ]),
        ])
    }

    // MARK: The worker's processes

    /// Environment of both processes: the region, and the seed's names for the data bucket and the output path
    /// (job files can use them as `${SourceDataBucketName}` and `${S3ETLOutputPath}` in their paths).
    private var environment: [(String, DeployYAML)] {
        [
            ("AWS_REGION", ref("AWS::Region")),
            ("SourceDataBucketName", ref("SourceDataBucketName")),
            ("S3ETLOutputPath", sub("s3://${SourceDataBucketName}/${ETLOutputPrefix}")),
        ]
    }

    /// `sluice worker`'s arguments (after `sluice`).
    private var workerArguments: [DeployYAML] {
        [
            .string("worker"), .string("--activity-arn"), ref("GlueRunnerActivity"), .string("--jobs"),
            .string("jobs/s3"), .string("--grace"), .string(String(Self.workerGrace)),
        ]
            + (athena
                ? [
                    .string("--athena-activity-arn"), ref("AthenaRunnerActivity"), .string("--catalog"),
                    .string(Self.athenaCatalog),
                ] : [])
    }

    /// The catalog of the Athena runner's queries in the image: the seed's tables in the data bucket.
    static let athenaCatalog = "jobs/catalog/marketingandsales_qs-s3.json"

    /// `sluice watch`'s arguments (after `sluice`): the queue fed by the bucket's notifications.
    private var watchArguments: [DeployYAML] {
        [
            .string("watch"), sub("s3://${SourceDataBucketName}/"), .string("--activity-prefix"),
            sub(activityPrefix), .string("--queue-url"), ref("ArrivalQueue"),
        ]
    }

    /// The ARN prefix of the data-arrival activities, as `Fn::Sub` text.
    private let activityPrefix =
        "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:activity:${SourceDataBucketName}"

    /// The EC2 instance's first-boot script (`Fn::Sub` text): Docker, and one systemd unit per process whose
    /// `TimeoutStopSec` covers the poll in flight and the grace.
    private var userData: String {
        let environmentFlags = [
            "-e AWS_REGION=${AWS::Region}", "-e SourceDataBucketName=${SourceDataBucketName}",
            "-e S3ETLOutputPath=s3://${SourceDataBucketName}/${ETLOutputPrefix}",
        ].joined(separator: " ")
        func unit(_ name: String, _ description: String, _ arguments: String) -> String {
            """
            cat > /etc/systemd/system/sluice-\(name).service <<'UNIT'
            [Unit]
            Description=\(description)
            After=docker.service network-online.target
            Wants=network-online.target
            Requires=docker.service

            [Service]
            Environment=IMAGE=${SluiceImage}
            Restart=always
            RestartSec=5
            TimeoutStopSec=\(Self.stopTimeout)
            ExecStartPre=-/bin/sh -c 'aws ecr get-login-password --region ${AWS::Region} | docker login --username AWS --password-stdin "$$(echo "$$IMAGE" | cut -d/ -f1)"'
            ExecStartPre=-/usr/bin/docker rm -f sluice-\(name)
            ExecStart=/usr/bin/docker run --rm --init --name sluice-\(name) --log-driver awslogs --log-opt awslogs-region=${AWS::Region} --log-opt awslogs-group=${LogGroup} --log-opt awslogs-stream=\(name)-%H \(environmentFlags) --entrypoint sluice $IMAGE \(arguments)
            ExecStop=/usr/bin/docker stop --time \(Self.stopTimeout - 5) sluice-\(name)

            [Install]
            WantedBy=multi-user.target
            UNIT
            """
        }
        return """
            #!/bin/bash
            set -euo pipefail
            dnf install -y docker
            systemctl enable --now docker
            \(unit("worker", "sluice worker (GlueRunnerActivity\(athena ? " and AthenaRunnerActivity" : ""))", "worker --activity-arn ${GlueRunnerActivity} --jobs jobs/s3 --grace \(Self.workerGrace)" + (athena ? " --athena-activity-arn ${AthenaRunnerActivity} --catalog \(Self.athenaCatalog)" : "")))
            \(unit("watch", "sluice watch (S3 arrivals through SQS)", "watch s3://${SourceDataBucketName}/ --activity-prefix \(activityPrefix) --queue-url ${ArrivalQueue}"))
            systemctl daemon-reload
            systemctl enable --now sluice-worker.service sluice-watch.service
            """
    }

    // MARK: Outputs

    private var outputs: [(String, DeployYAML)?] {
        var list: [(String, DeployYAML)?] = [
            output("GlueRunnerActivityArn", ref("GlueRunnerActivity"), "ARN of the activity sluice worker polls."),
            output(
                "WaitForSalesDataActivityArn",
                ref("WaitForSalesDataActivity"),
                "ARN of the activity that waits for the Sales data."
            ),
            output(
                "WaitForMarketingDataActivityArn",
                ref("WaitForMarketingDataActivity"),
                "ARN of the activity that waits for the Marketing data."
            ),
            output(
                "MarketingAndSalesETLOrchestratorArn",
                ref("MarketingAndSalesETLOrchestrator"),
                "ARN of the state machine to start."
            ),
        ]
        if fanOut {
            list.append(
                output(
                    "MarketingAndSalesFanOutETLOrchestratorArn",
                    ref("MarketingAndSalesFanOutETLOrchestrator"),
                    "ARN of the fan-out flow: one psd-partial task per object under SalesPartitionsPrefix."
                )
            )
        }
        if athena {
            list += [
                output("AthenaRunnerActivityArn", ref("AthenaRunnerActivity"), "ARN of the Athena runner's activity."),
                output(
                    "AthenaRunnerTestETLOrchestratorArn",
                    ref("AthenaRunnerTestETLOrchestrator"),
                    "ARN of the Athena runner's test state machine."
                ),
            ]
        }
        list += [
            output(
                "SourceDataBucketName",
                ref("SourceDataBucket"),
                "The bucket to upload the Sales and Marketing data to."
            ),
            output(
                "S3ETLOutputPath",
                sub("s3://${SourceDataBucketName}/${ETLOutputPrefix}"),
                "Where the jobs write their datasets."
            ),
            output(
                "ArrivalQueueUrl",
                ref("ArrivalQueue"),
                "The SQS queue of the bucket's object-created notifications."
            ),
            output("LogGroupName", ref("LogGroup"), "The worker's log group."),
        ]
        switch worker {
        case .ecs:
            list += [
                output("ClusterName", ref("Cluster"), "The ECS cluster."),
                output("WorkerServiceName", getAtt("WorkerService", "Name"), "The ECS service running the worker."),
            ]
        case .ec2:
            list.append(
                output(
                    "WorkerAutoScalingGroupName",
                    ref("WorkerAutoScalingGroup"),
                    "The Auto Scaling group running the worker."
                )
            )
        }
        return list
    }

    private func output(_ name: String, _ value: DeployYAML, _ description: String) -> (String, DeployYAML) {
        (name, .object(["Description": .string(description), "Value": value]))
    }

    // MARK: Building blocks

    private func role(service: String, policies: [DeployYAML]) -> DeployYAML {
        .object([
            "Type": .string("AWS::IAM::Role"),
            "Properties": .object([
                ("AssumeRolePolicyDocument", trustPolicy(service: service, sourceAccount: true)),
                policies.isEmpty ? nil : ("ManagedPolicyArns", .list(policies)),
                ("Path", .string("/")),
            ]),
        ])
    }

    /// Lets `service` assume the role; with `sourceAccount` (services that send `aws:SourceAccount`: Step
    /// Functions, ECS tasks) only on behalf of this account.
    private func trustPolicy(service: String, sourceAccount: Bool) -> DeployYAML {
        let condition: DeployYAML = .object(["StringEquals": .object(["aws:SourceAccount": ref("AWS::AccountId")])])
        return policyDocument([
            .object([
                ("Effect", .string("Allow")),
                ("Principal", .object(["Service": .string(service)])),
                ("Action", .string("sts:AssumeRole")),
                sourceAccount ? ("Condition", condition) : nil,
            ])
        ])
    }

    private func policyDocument(_ statements: [DeployYAML]) -> DeployYAML {
        .object(["Version": .string("2012-10-17"), "Statement": .list(statements)])
    }

    private func ref(_ name: String) -> DeployYAML { .object(["Ref": .string(name)]) }
    private func sub(_ text: String) -> DeployYAML { .object(["Fn::Sub": .string(text)]) }
    private func getAtt(_ resource: String, _ attribute: String) -> DeployYAML {
        .object(["Fn::GetAtt": .strings([resource, attribute])])
    }
}
