import Foundation
import TestSupport

/// Worker "hosts" for tests: one network namespace a host, each joined by a veth pair to a bridge on this machine
/// that carries the services' own address (``serviceAddress``). Taking a host's link down cuts that worker off
/// without touching the others. Needs root (`ip netns`); ``available`` says whether this machine allows it.
final class NetworkNamespaces: @unchecked Sendable {
    /// The bridge's address, where the services listen for the hosts.
    let serviceAddress = "10.231.0.1"
    private let tag: String
    private let hosts: Int
    private var removed = false

    /// Whether namespaces, veth pairs and bridges can be made here (root with CAP_NET_ADMIN and CAP_SYS_ADMIN).
    static let available: Bool = {
        guard FileManager.default.isExecutableFile(atPath: ip) else { return false }
        let probe = "sluice-probe-\(getpid())"
        guard (try? Subprocess.run(ip, ["netns", "add", probe]).status) == 0 else { return false }
        _ = try? Subprocess.run(ip, ["netns", "del", probe])
        return true
    }()

    static let ip = "/usr/sbin/ip"

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Makes the bridge and `hosts` namespaces, each with `10.231.0.<10 + index>/24` and its loopback up.
    init(hosts: Int) throws {
        tag = String(getpid() % 100_000)
        self.hosts = hosts
        do {
            try Self.ip(["link", "add", "name", bridge, "type", "bridge"])
            try Self.ip(["addr", "add", "\(serviceAddress)/24", "dev", bridge])
            try Self.ip(["link", "set", bridge, "up"])
            for index in 0..<hosts {
                let namespace = namespace(index)
                try Self.ip(["netns", "add", namespace])
                try Self.ip(["link", "add", hostSide(index), "type", "veth", "peer", "name", "slv\(tag)n\(index)"])
                try Self.ip(["link", "set", "slv\(tag)n\(index)", "netns", namespace])
                try Self.ip(["link", "set", hostSide(index), "master", bridge])
                try Self.ip(["link", "set", hostSide(index), "up"])
                try Self.ip(["-n", namespace, "addr", "add", "10.231.0.\(10 + index)/24", "dev", "slv\(tag)n\(index)"])
                try Self.ip(["-n", namespace, "link", "set", "slv\(tag)n\(index)", "up"])
                try Self.ip(["-n", namespace, "link", "set", "lo", "up"])
            }
        } catch {
            remove()
            throw error
        }
    }

    private var bridge: String { "slb\(tag)" }
    private func hostSide(_ index: Int) -> String { "slv\(tag)h\(index)" }

    /// The namespace of host `index`.
    func namespace(_ index: Int) -> String { "sluice-\(tag)-\(index)" }

    /// The command prefix that runs a program on host `index`.
    func prefix(_ index: Int) -> [String] { [Self.ip, "netns", "exec", namespace(index)] }

    /// Takes host `index`'s link down (`up: false`) or brings it back.
    func setLink(_ index: Int, up: Bool) throws {
        try Self.ip(["link", "set", hostSide(index), up ? "up" : "down"])
    }

    /// Removes the veth pairs, the namespaces and the bridge; once. (A deleted namespace can outlive its name while
    /// the kernel still holds its sockets, and its veth pair with it: so the pairs go first, by name.)
    func remove() {
        guard !removed else { return }
        removed = true
        for index in 0..<hosts {
            _ = try? Subprocess.run(Self.ip, ["link", "del", hostSide(index)])
            _ = try? Subprocess.run(Self.ip, ["netns", "del", namespace(index)])
        }
        _ = try? Subprocess.run(Self.ip, ["link", "del", bridge])
    }

    deinit { remove() }

    private static func ip(_ arguments: [String]) throws {
        let result = try Subprocess.run(ip, arguments)
        guard result.status == 0 else {
            throw Failure(description: "ip \(arguments.joined(separator: " ")): \(result.stderr)")
        }
    }
}
