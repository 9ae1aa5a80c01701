import Foundation
import Testing

extension Tag {
    /// Tests that run the Python peers (pyarrow, DuckDB, Polars) or moto's server from the test venv.
    @Tag public static var pythonPeers: Self
}

extension Trait where Self == ConditionTrait {
    /// Skips the test or suite, saying why, when the test venv's interpreter (``Python/executable``) is missing:
    /// `swift test` without `Tests/run-all` then runs everything else instead of failing here.
    public static var needsPythonPeers: Self {
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: Python.executable),
            "needs the Python test peers (pyarrow, DuckDB, Polars, moto): run Tests/run-all once, or set SLUICE_PYTHON"
        )
    }
}
