/// A `sluice deploy` step that cannot be done, with what it was about.
struct DeployError: Error, CustomStringConvertible {
    /// What the step was about: a file, an activity, a state machine.
    var subject: String
    /// What is wrong, and what to do.
    var message: String

    var description: String { "\(subject): \(message)" }
}
