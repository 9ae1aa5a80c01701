import Foundation

/// Starts the tests' child processes one at a time, and makes their pipes under the same lock.
///
/// On Linux, Foundation's `Process.run()` emulates close-on-exec: it lists the open descriptors, adds a close for
/// each to the spawn, then spawns. A descriptor that another thread opens in between is inherited by the new
/// child. Foundation learns that a child has exited when the child's end of a socket pair closes, so when a
/// long-lived peer (a scripted server or moto, alive for up to 600 s) inherits another child's end, that other
/// child's `waitUntilExit()` blocks until the peer dies, and an inherited pipe end holds back its end of file the
/// same way. Two synchronous tests stuck like that hold both of a 2-core machine's cooperative threads, and the
/// whole suite froze for 600 s, then failed by the dozen. Under one lock, every launch lists descriptors that
/// are all either closed in the child or meant for it.
public enum ProcessLaunch {
    private static let lock = NSLock()

    /// A new pipe, made while no child is being started.
    public static func pipe() -> Pipe {
        lock.withLock { Pipe() }
    }

    /// Starts `process`, while no other child is being started and no pipe is being made.
    public static func run(_ process: Process) throws {
        try lock.withLock { try process.run() }
    }
}
