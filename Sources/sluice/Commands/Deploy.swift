import ArgumentParser

/// `sluice deploy`: what the seed's build commands and CloudFormation templates create, for Sluice.
struct Deploy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create what the seed's flow needs in AWS: a CloudFormation template, or the parts directly.",
        discussion: """
            `sluice deploy template` prints one CloudFormation template (YAML) with the activities, the seed's \
            state machine, the data bucket and its notification queue, least-privilege IAM roles, a log group and \
            the worker (ECS Fargate or EC2). For accounts without CloudFormation, `create-activities` and \
            `create-state-machine` create the Step Functions parts through the API, idempotently; `status` shows \
            them and the last executions.

            Examples:
              sluice deploy template --bucket my-bucket --image 123456789012.dkr.ecr.us-east-1.amazonaws.com/sluice:0.1.0 > sluice.yaml
              sluice deploy create-activities --bucket my-bucket
              sluice deploy create-state-machine --bucket my-bucket --role-arn arn:aws:iam::123456789012:role/StateExecutionRole
              sluice deploy status --bucket my-bucket
            """,
        subcommands: [
            DeployTemplateCommand.self, DeployCreateActivities.self, DeployCreateStateMachine.self, DeployStatus.self,
        ]
    )
}
