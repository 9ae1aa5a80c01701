import TestSupport
import Testing

/// End-to-end tests against moto's Step Functions interpreter (`Fixtures/moto_sfn_launcher.py`) with the built
/// `sluice` binary. Serialized: each starts its own launcher and several processes.
@Suite(.serialized, .tags(.pythonPeers), .needsPythonPeers) enum MotoIntegrationTests {}
