import ArgumentParser

extension DeployTemplate.WorkerPlatform: ExpressibleByArgument {}

/// `sluice deploy template`: prints the CloudFormation template of this version.
struct DeployTemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Print the CloudFormation template (YAML) that deploys the seed's flow with this Sluice version.",
        discussion: """
            One stack replaces the seed's step-functions-resources, glue-resources and gluerunner-lambda stacks: \
            the activities GlueRunnerActivity, <bucket>-SalesPipeline_QuickSightSample.csv and \
            <bucket>-MarketingData_QuickSightSample.csv; the state machine MarketingAndSalesETLOrchestrator \
            (the seed's definition, unchanged but for its ARNs); the bucket SourceDataBucketName with its \
            s3:ObjectCreated:* notifications (keys ending in csv) sent to an SQS queue; WorkerPolicy (poll and \
            report on those activities, read the bucket, write under ETLOutputPrefix, read the queue; nothing \
            else); a log group; and `sluice worker` plus `sluice watch --queue-url` as an ECS Fargate service \
            (--worker ecs) or as systemd units on an EC2 Auto Scaling group of one (--worker ec2), stopped with \
            120 s to spare for a 60 s poll in flight and the worker's 50 s --grace. --athena adds \
            AthenaRunnerActivity and the seed's AthenaRunnerTestETLOrchestrator. --fan-out adds the fan-out flow \
            MarketingAndSalesFanOutETLOrchestrator (a Distributed Map of psd-partial tasks over the objects under \
            the SalesPartitionsPrefix parameter, MaxConcurrency at a time, then psd-merge, PMD and JMSD) with \
            FanOutExecutionRole: s3:ListBucket on that prefix and states:StartExecution, DescribeExecution and \
            StopExecution on the flow's own child executions, nothing else.

            --bucket and --image set the defaults of the SourceDataBucketName and SluiceImage parameters; without \
            them the stack needs those parameters.

            Examples:
              sluice deploy template --bucket my-bucket --image 123456789012.dkr.ecr.us-east-1.amazonaws.com/sluice:0.1.0 > sluice.yaml
              sluice deploy template --worker ec2 --athena
              sluice deploy template --bucket my-bucket --fan-out > sluice.yaml
            """
    )

    @Option(help: "Where the worker runs: ecs (Fargate) or ec2 (an Auto Scaling group with systemd units).")
    var worker: DeployTemplate.WorkerPlatform = .ecs

    @Option(help: "The default of the SourceDataBucketName parameter: the data bucket the stack creates.")
    var bucket: String?

    @Option(help: "The default of the SluiceImage parameter: a container image with sluice and the job files.")
    var image: String?

    @Flag(help: "Add the Athena runner's activity and the seed's AthenaRunnerTestETLOrchestrator.")
    var athena = false

    @Flag(help: "Add the fan-out flow MarketingAndSalesFanOutETLOrchestrator and the role its Distributed Map needs.")
    var fanOut = false

    func validate() throws {
        if let bucket {
            try DeployNames.validateBucket(bucket)
        }
        if let image, image.isEmpty || image.contains(where: \.isWhitespace) {
            throw ValidationError("--image must be an image reference without spaces, e.g. repo/sluice:0.1.0")
        }
    }

    func run() throws {
        print(
            DeployTemplate(worker: worker, bucket: bucket, image: image, athena: athena, fanOut: fanOut).text,
            terminator: ""
        )
    }
}
