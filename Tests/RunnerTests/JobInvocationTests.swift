import Foundation
import Runner
import Testing

@Suite struct JobInvocationTests {
    @Test func glueRunnerInputAsTheSeedSendsIt() throws {
        let invocation = try JobInvocation(taskInput: #"{"GlueJobName" : "ProcessSalesData"}"#)
        #expect(invocation.job == "ProcessSalesData")
        #expect(invocation.style == .glueRunner)
        #expect(invocation.inputs.isEmpty)
        #expect(invocation.output == nil)
    }

    @Test func glueRunnerInputEncodedTwice() throws {
        // A Pass state's string Result reaches the activity as a JSON string holding JSON.
        let invocation = try JobInvocation(taskInput: #""{\"GlueJobName\" : \"JoinMarketingAndSalesData\"}""#)
        #expect(invocation.job == "JoinMarketingAndSalesData")
        #expect(invocation.style == .glueRunner)
    }

    @Test func glueArgumentsOverrideInputsAndOutput() throws {
        let invocation = try JobInvocation(
            taskInput: #"""
                {"GlueJobName": "psd", "--sales": "landing/sales.csv", "--s3_output_path": "out/psd",
                 "GlueJobCapacity": 10, "--enable-metrics": true, "--TempDir": "/tmp/x"}
                """#
        )
        #expect(invocation.job == "psd")
        #expect(invocation.inputs["sales"] == "landing/sales.csv")
        #expect(invocation.inputs["TempDir"] == "/tmp/x")
        #expect(invocation.inputs["enable-metrics"] == "true")
        #expect(invocation.output == "out/psd")
        #expect(invocation.arguments["GlueJobCapacity"] == "10")
        #expect(invocation.arguments["--s3_output_path"] == "out/psd")
        #expect(invocation.arguments["GlueJobName"] == nil)
    }

    @Test func outputArgument() throws {
        let invocation = try JobInvocation(taskInput: #"{"GlueJobName": "pmd", "--output": "o/pmd"}"#)
        #expect(invocation.output == "o/pmd")
        #expect(invocation.inputs.isEmpty)
    }

    @Test func sluiceInput() throws {
        let invocation = try JobInvocation(
            taskInput: #"{"job": "jmsd", "inputs": {"psd": "a/psd", "pmd": "a/pmd"}, "output": "a/jmsd"}"#
        )
        #expect(invocation == JobInvocation(job: "jmsd", inputs: ["psd": "a/psd", "pmd": "a/pmd"], output: "a/jmsd"))
    }

    @Test func glueKeysArePathParameters() throws {
        let invocation = try JobInvocation(
            taskInput: #"""
                {"GlueJobName": "ProcessSalesData", "bucket": "b", "--stage": "dev", "GlueJobCapacity": 10,
                 "--enable-metrics": true, "--s3_output_path": "s3://b/out"}
                """#
        )
        #expect(
            invocation.parameters == [
                "bucket": "b", "stage": "dev", "GlueJobCapacity": "10", "s3_output_path": "s3://b/out",
            ]
        )
        #expect(invocation.inputs["stage"] == "dev")
        #expect(invocation.inputs["bucket"] == nil)
    }

    @Test func sluiceParams() throws {
        let invocation = try JobInvocation(
            taskInput: #"{"job": "psd", "params": {"bucket": "data-bucket", "year": 2013}}"#
        )
        #expect(invocation == JobInvocation(job: "psd", parameters: ["bucket": "data-bucket", "year": "2013"]))
    }

    @Test func aDistributedMapItemAsStepFunctionsSendsIt() throws {
        // The item of an ItemReader over s3:listObjectsV2, passed by the ItemSelector
        // {"job": "psd-partial", "item.$": "$$.Map.Item.Value", "params.$": "$.params"}.
        let invocation = try JobInvocation(
            taskInput: #"""
                {"job": "psd-partial", "params": {"SourceDataBucketName": "landing"},
                 "item": {"Key": "sales/2016/part-00003.csv", "Size": 81234, "ETag": "\"9b2cf535f27731c974343645a3985328\"",
                          "LastModified": 1733500000, "StorageClass": "STANDARD"}}
                """#
        )
        #expect(
            invocation.item
                == JobInvocation.MapItem(
                    key: "sales/2016/part-00003.csv",
                    size: 81234,
                    eTag: "\"9b2cf535f27731c974343645a3985328\""
                )
        )
        #expect(invocation.parameters == ["SourceDataBucketName": "landing", "partition": "part-00003"])
        #expect(invocation.inputs.isEmpty)
    }

    @Test(arguments: [
        ("sales/part-00003.csv", "part-00003"), ("part-7", "part-7"), ("a/b/data.tar.gz", "data.tar"),
        ("a/.hidden", ".hidden"),
    ])
    func theItemNamesItsPartition(key: String, partition: String) {
        #expect(JobInvocation.MapItem(key: key).partition == partition)
    }

    @Test func aPartitionParameterOverridesTheItemsName() throws {
        let invocation = try JobInvocation(
            taskInput: #"{"job": "psd-partial", "params": {"partition": "00003"}, "item": {"Key": "s/p-3.csv"}}"#
        )
        #expect(invocation.parameters["partition"] == "00003")
    }

    @Test(arguments: [
        (#"{"job": "psd", "params": ["x"]}"#, #""params" must be an object of parameter name to value"#),
        (#"{"job": "psd", "params": {"a-b": "x"}}"#, #""params.a-b" is not a parameter name"#),
        (#"{"job": "psd", "params": {"a": {"b": 1}}}"#, #""params.a" must be a string or number"#),
        ("GlueJobName: psd", "not JSON"),
        ("", "not JSON"),
        ("[1, 2]", "expected a JSON object, got an array"),
        ("42", "expected a JSON object, got a number"),
        (#""just text""#, "not JSON"),
        ("{}", "no job named"),
        (#"{"GlueJobName": 7}"#, #""GlueJobName" must be a non-empty string"#),
        (#"{"GlueJobName": ""}"#, #""GlueJobName" must be a non-empty string"#),
        (#"{"job": "psd", "inputs": ["x"]}"#, #""inputs" must be an object"#),
        (#"{"job": "psd", "inputs": {"sales": 3}}"#, #""inputs.sales" must be a string path"#),
        (#"{"job": "psd", "output": 3}"#, #""output" must be a non-empty string path"#),
        (#"{"job": "psd", "ouput": "x"}"#, #"unknown key "ouput""#),
        (#"{"job": "psd", "item": "sales/part-1.csv"}"#, #""item" must be a Distributed Map item over S3 objects"#),
        (#"{"job": "psd", "item": {"Size": 3}}"#, #""item.Key" must be an object's key"#),
        (#"{"job": "psd", "item": {"Key": "sales/"}}"#, #""item.Key" must be an object's key"#),
        (#"{"job": "psd", "item": {"Key": "a.csv", "Size": -1}}"#, #""item.Size" must be a byte count"#),
        (#"{"job": "psd", "item": {"Key": "a.csv", "ETag": 5}}"#, #""item.ETag" must be a string"#),
    ])
    func malformedInputIsRefusedWithTheReason(input: String, reason: String) {
        #expect {
            try JobInvocation(taskInput: input)
        } throws: { error in
            let text = "\(error)"
            return error is TaskInputError && text.contains("malformed task input") && text.contains(reason)
                && text.contains("input: \(input.prefix(20))")
        }
    }

    @Test func longInputIsShortenedInTheError() {
        let input = "{" + String(repeating: "x", count: 5000)
        #expect {
            try JobInvocation(taskInput: input)
        } throws: { error in
            guard let error = error as? TaskInputError else { return false }
            return error.excerpt.count == 201 && error.excerpt.hasSuffix("…")
        }
    }
}
