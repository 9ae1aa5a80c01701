import Foundation

/// The names and state machine definitions of the seed's flow, as its CloudFormation template
/// (`step-functions-resources.yaml`) creates them. The definitions are Amazon States Language with `${Name}`
/// placeholders that `Fn::Sub` (in the template) or ``DeployDefinitions/substitute(_:_:)`` (for the direct API
/// path) fill: activity ARNs and Glue job names.
enum DeployDefinitions {
    /// The seed's orchestrator.
    static let orchestratorName = "MarketingAndSalesETLOrchestrator"
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

    /// The built-in definition of the state machine called `name`, if there is one.
    static func builtIn(named name: String) -> String? {
        switch name {
        case orchestratorName: orchestrator
        case athenaTestName: athenaTest
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
