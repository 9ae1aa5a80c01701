import Foundation

/// The names and state machine definitions of the seed's flow, as its CloudFormation template
/// (`step-functions-resources.yaml`) creates them. The definitions are Amazon States Language with `${Name}`
/// placeholders that `Fn::Sub` (in the template) or ``DeployDefinitions/substitute(_:_:)`` (for the direct API
/// path) fill: activity ARNs and Glue job names.
enum DeployDefinitions {
    /// The seed's orchestrator.
    static let orchestratorName = "MarketingAndSalesETLOrchestrator"
    /// The fan-out flow: the seed's orchestrator with a Distributed Map over the sales partitions.
    static let fanOutName = "MarketingAndSalesFanOutETLOrchestrator"
    /// The seed's test machine for the Athena runner.
    static let athenaTestName = "AthenaRunnerTestETLOrchestrator"
    /// The default name of the activity the Glue runner (here `sluice worker`) polls.
    static let glueRunnerActivityName = "GlueRunnerActivity"
    /// The default name of the Athena runner's activity.
    static let athenaRunnerActivityName = "AthenaRunnerActivity"
    /// The two files whose arrival the orchestrator waits for; their activities are `<bucket>-<file>`.
    static let salesFile = "SalesPipeline_QuickSightSample.csv"
    static let marketingFile = "MarketingData_QuickSightSample.csv"
    /// The Glue job names the orchestrator's Pass states send, as the seed's template sets them.
    static let jobNames: KeyValuePairs<String, String> = [
        "ProcessSalesDataGlueJobName": "ProcessSalesData",
        "ProcessMarketingDataGlueJobName": "ProcessMarketingData",
        "JoinMarketingAndSalesDataJobName": "JoinMarketingAndSalesData",
    ]
    /// The defaults of the fan-out flow's placeholders (`jobs/flows/MarketingAndSalesFanOutETLOrchestrator.asl.json`).
    static let fanOutDefaults: KeyValuePairs<String, String> = [
        "SalesPartitionsPrefix": "sales/", "MaxConcurrency": "40", "HeartbeatSeconds": "60",
        "TaskTimeoutSeconds": "3600",
    ]
    /// The default of the fan-out flow's placeholder `name` (one of ``fanOutDefaults``).
    static func fanOutDefault(_ name: String) -> String {
        fanOutDefaults.first { $0.key == name }?.value ?? ""
    }
    /// The seed's Glue database and Athena test table defaults.
    static let databaseName = "marketingandsales_qs"
    static let marketingTableName = "marketing_qs"

    /// The name of the data-arrival activity for `file` in `bucket`.
    static func arrivalActivityName(bucket: String, file: String) -> String { "\(bucket)-\(file)" }

    /// The seed's `MarketingAndSalesETLOrchestrator` definition, byte for byte as its template embeds it.
    static let orchestrator = #"""
        {
          "Comment": "Marketing and Sales ETL Pipeline Orchestrator.",
          "StartAt": "Pre-process",
          "States": {

            "Pre-process": {
              "Type": "Pass",
              "Next": "Start Parallel Glue Jobs"
            },
            "Start Parallel Glue Jobs": {
              "Type": "Parallel",
              "Branches": [
                {
                  "StartAt": "Wait For Sales Data",
                  "States": {
                    "Wait For Sales Data": {
                      "Type": "Task",
                      "Resource": "${WaitForSalesDataActivityArn}",
                      "Next": "Prep for Process Sales Data"
                    },
                    "Prep for Process Sales Data": {
                      "Type": "Pass",
                      "Result": "{\"GlueJobName\" : \"${ProcessSalesDataGlueJobName}\"}",
                      "Next": "Process Sales Data"
                    },
                    "Process Sales Data": {
                      "Type": "Task",
                      "Resource": "${GlueRunnerActivityArn}",
                      "End": true
                    }
                  }
                },
                {
                  "StartAt": "Wait For Marketing Data",
                  "States": {
                    "Wait For Marketing Data": {
                      "Type": "Task",
                      "Resource": "${WaitForMarketingDataActivityArn}",
                      "Next": "Prep for Process Marketing Data"
                    },
                    "Prep for Process Marketing Data": {
                      "Type": "Pass",
                      "Result": "{\"GlueJobName\" : \"${ProcessMarketingDataGlueJobName}\"}",
                      "Next": "Process Marketing Data"
                    },
                    "Process Marketing Data": {
                      "Type": "Task",
                      "Resource": "${GlueRunnerActivityArn}",
                      "End": true
                    }
                  }
                }
              ],
              "Next": "Prep For Joining Marketing And Sales Data",
              "Catch": [ {
                  "ErrorEquals": ["GlueJobFailedError"],
                  "Next": "ETL Job Failed Fallback"
               }]
            },
            "Prep For Joining Marketing And Sales Data": {
              "Type": "Pass",
              "Result": "{\"GlueJobName\" : \"${JoinMarketingAndSalesDataJobName}\"}",
              "Next": "Join Marketing And Sales Data"
            },
            "Join Marketing And Sales Data": {
              "Type": "Task",
              "Resource": "${GlueRunnerActivityArn}",
              "Catch": [ {
                  "ErrorEquals": ["GlueJobFailedError"],
                  "Next": "ETL Job Failed Fallback"
               }],
              "End": true
            },
            "ETL Job Failed Fallback": {
                 "Type": "Pass",
                 "Result": "This is a fallback from an ETL job failure.",
                 "End": true
            }
          }
        }
        """#

    /// The seed's `AthenaRunnerTestETLOrchestrator` definition.
    static let athenaTest = #"""
        {
          "StartAt": "Configure Athena Query",
          "States": {
            "Configure Athena Query":{
              "Type": "Pass",
              "Result": "{ \"AthenaQueryString\" : \"SELECT * FROM ${GlueTableName} limit 10;\", \"AthenaDatabase\": \"${GlueDatabaseName}\", \"AthenaResultOutputLocation\": \"${AthenaResultOutputLocation}\", \"AthenaResultEncryptionOption\": \"${AthenaResultEncryptionOption}\"}",
              "Next": "Execute Athena Query"
            },
            "Execute Athena Query":{
              "Type": "Task",
              "Resource": "${AthenaRunnerActivityArn}",
              "End": true
            }
          }
        }
        """#

    /// The fan-out flow, `jobs/flows/MarketingAndSalesFanOutETLOrchestrator.asl.json` byte for byte (a test
    /// holds them equal): the seed's orchestrator with a Distributed Map of `psd-partial` tasks and a
    /// `psd-merge` task in place of its single Process Sales Data task. Beside the seed's placeholders it has
    /// `${SourceDataBucketName}`, `${SalesPartitionsPrefix}`, `${MaxConcurrency}`, `${HeartbeatSeconds}` and
    /// `${TaskTimeoutSeconds}` (``fanOutDefaults``).
    static let fanOut = #"""
        {
          "Comment": "Marketing and Sales ETL Pipeline Orchestrator, fanned out: the seed's flow with a Distributed Map in place of the single Process Sales Data task. Each object under s3://${SourceDataBucketName}/${SalesPartitionsPrefix} is one psd-partial task on the Glue-runner activity, committed into its own partition; psd-merge then merges the committed partitions into exactly PSD's result, and JMSD joins it as before. Every Glue-runner task has a heartbeat and retries a timeout (a worker lost mid-task), and the partial tasks also retry a failure, so a worker killed at any moment costs time, never the flow.",
          "StartAt": "Pre-process",
          "States": {
            "Pre-process": {
              "Type": "Pass",
              "Next": "Start Parallel Glue Jobs"
            },
            "Start Parallel Glue Jobs": {
              "Type": "Parallel",
              "Branches": [
                {
                  "StartAt": "Wait For Sales Data",
                  "States": {
                    "Wait For Sales Data": {
                      "Type": "Task",
                      "Resource": "${WaitForSalesDataActivityArn}",
                      "Next": "Process Sales Partitions"
                    },
                    "Process Sales Partitions": {
                      "Type": "Map",
                      "ItemReader": {
                        "Resource": "arn:aws:states:::s3:listObjectsV2",
                        "Parameters": {
                          "Bucket": "${SourceDataBucketName}",
                          "Prefix": "${SalesPartitionsPrefix}"
                        }
                      },
                      "MaxConcurrency": ${MaxConcurrency},
                      "ItemSelector": {
                        "job": "psd-partial",
                        "item.$": "$$.Map.Item.Value"
                      },
                      "ItemProcessor": {
                        "ProcessorConfig": {
                          "Mode": "DISTRIBUTED",
                          "ExecutionType": "STANDARD"
                        },
                        "StartAt": "Process Sales Partition",
                        "States": {
                          "Process Sales Partition": {
                            "Type": "Task",
                            "Resource": "${GlueRunnerActivityArn}",
                            "HeartbeatSeconds": ${HeartbeatSeconds},
                            "TimeoutSeconds": ${TaskTimeoutSeconds},
                            "Retry": [
                              {
                                "ErrorEquals": ["States.Timeout", "States.TaskFailed"],
                                "IntervalSeconds": 1,
                                "MaxAttempts": 6,
                                "BackoffRate": 2
                              }
                            ],
                            "End": true
                          }
                        }
                      },
                      "ResultPath": null,
                      "Next": "Prep for Merge Sales Partitions"
                    },
                    "Prep for Merge Sales Partitions": {
                      "Type": "Pass",
                      "Result": "{\"job\" : \"psd-merge\"}",
                      "Next": "Merge Sales Partitions"
                    },
                    "Merge Sales Partitions": {
                      "Type": "Task",
                      "Resource": "${GlueRunnerActivityArn}",
                      "HeartbeatSeconds": ${HeartbeatSeconds},
                      "Retry": [
                        {
                          "ErrorEquals": ["States.Timeout"],
                          "IntervalSeconds": 1,
                          "MaxAttempts": 6,
                          "BackoffRate": 2
                        }
                      ],
                      "End": true
                    }
                  }
                },
                {
                  "StartAt": "Wait For Marketing Data",
                  "States": {
                    "Wait For Marketing Data": {
                      "Type": "Task",
                      "Resource": "${WaitForMarketingDataActivityArn}",
                      "Next": "Prep for Process Marketing Data"
                    },
                    "Prep for Process Marketing Data": {
                      "Type": "Pass",
                      "Result": "{\"GlueJobName\" : \"${ProcessMarketingDataGlueJobName}\"}",
                      "Next": "Process Marketing Data"
                    },
                    "Process Marketing Data": {
                      "Type": "Task",
                      "Resource": "${GlueRunnerActivityArn}",
                      "HeartbeatSeconds": ${HeartbeatSeconds},
                      "Retry": [
                        {
                          "ErrorEquals": ["States.Timeout"],
                          "IntervalSeconds": 1,
                          "MaxAttempts": 6,
                          "BackoffRate": 2
                        }
                      ],
                      "End": true
                    }
                  }
                }
              ],
              "Next": "Prep For Joining Marketing And Sales Data",
              "Catch": [
                {
                  "ErrorEquals": ["GlueJobFailedError", "States.ExceedToleratedFailureThreshold"],
                  "Next": "ETL Job Failed Fallback"
                }
              ]
            },
            "Prep For Joining Marketing And Sales Data": {
              "Type": "Pass",
              "Result": "{\"GlueJobName\" : \"${JoinMarketingAndSalesDataJobName}\"}",
              "Next": "Join Marketing And Sales Data"
            },
            "Join Marketing And Sales Data": {
              "Type": "Task",
              "Resource": "${GlueRunnerActivityArn}",
              "HeartbeatSeconds": ${HeartbeatSeconds},
              "Retry": [
                {
                  "ErrorEquals": ["States.Timeout"],
                  "IntervalSeconds": 1,
                  "MaxAttempts": 6,
                  "BackoffRate": 2
                }
              ],
              "Catch": [
                {
                  "ErrorEquals": ["GlueJobFailedError"],
                  "Next": "ETL Job Failed Fallback"
                }
              ],
              "End": true
            },
            "ETL Job Failed Fallback": {
              "Type": "Pass",
              "Result": "This is a fallback from an ETL job failure.",
              "End": true
            }
          }
        }
        """#

    /// The built-in definition of the state machine called `name`, if there is one.
    static func builtIn(named name: String) -> String? {
        switch name {
        case orchestratorName: orchestrator
        case athenaTestName: athenaTest
        case fanOutName: fanOut
        default: nil
        }
    }

    /// `text` with every `${Name}` placeholder that `values` names replaced, as `Fn::Sub` does; returns the
    /// text and the placeholders left unfilled, in order of appearance.
    static func substitute(_ text: String, _ values: [String: String]) -> (text: String, unfilled: [String]) {
        var result = ""
        var unfilled: [String] = []
        var rest = text[...]
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                rest = rest[start.lowerBound...]
                break
            }
            let name = String(rest[start.upperBound..<end])
            if let value = values[name] {
                result += value
            } else {
                result += rest[start.lowerBound...end]
                if !unfilled.contains(name) { unfilled.append(name) }
            }
            rest = rest[rest.index(after: end)...]
        }
        result += rest
        return (result, unfilled)
    }
}
