import Foundation

extension JobDefinition {
    /// The names of the `${name}` parameters the job file's paths use, sorted.
    public var parameterNames: [String] {
        let paths = inputs.map(\.defaultPath) + [output.path].compactMap { $0 }
        let names = paths.flatMap { (try? JobPathTemplate($0))?.parameterNames ?? [] }
        return Set(names).sorted()
    }

    /// The definition with the `${name}` parameters of the paths `request` uses filled in: the default path of
    /// every input the request does not name, and the output path unless the request names the output.
    ///
    /// A parameter's value comes from `request.parameters`, else from the environment variable of the same name
    /// (`request.environment`, or the process's environment when that is `nil`).
    ///
    /// - Throws: ``JobParameterError`` naming the job file, the key path and the first parameter without a value;
    ///   ``JobError`` for a malformed path (normally caught when the job file is read).
    public func fillingParameters(for request: JobRequest) throws -> JobDefinition {
        var filled = self
        for (index, input) in inputs.enumerated() where request.inputs[input.name] == nil {
            filled.inputs[index].defaultPath = try filledPath(of: input, for: request)
        }
        if request.output == nil, let path = output.path {
            filled.output.path = try fill(path, keyPath: "output.path", for: request)
        }
        return filled
    }

    /// `input`'s default path with its `${name}` parameters filled as ``fillingParameters(for:)`` fills them.
    ///
    /// - Throws: ``JobParameterError`` for a parameter without a value; ``JobError`` for a malformed path.
    public func filledPath(of input: JobInput, for request: JobRequest) throws -> String {
        try fill(input.defaultPath, keyPath: "inputs.\(input.name).path", for: request)
    }

    private func fill(_ path: String, keyPath: String, for request: JobRequest) throws -> String {
        let environment = request.environment ?? ProcessInfo.processInfo.environment
        let source = sourcePath ?? "job \(name)"
        let template: JobPathTemplate
        do {
            template = try JobPathTemplate(path)
        } catch {
            throw JobError("\(source): \(keyPath): \(error)")
        }
        switch template.filled({ request.parameters[$0] ?? environment[$0] }) {
        case .success(let filled): return filled
        case .failure(let unfilled):
            throw JobParameterError(source: source, keyPath: keyPath, parameter: unfilled.name)
        }
    }
}
