#!/usr/bin/env bash
# End-to-end benchmarks: Sluice against DuckDB and Polars. See run.py --help and README.md.
#   benchmarks/run.sh                                   # everything: build, generate, W1-W5, W4mem, 5 runs
#   benchmarks/run.sh --workloads W2,W4 --rows 1000000  # a quick run
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="$here/../.venv/bin/python"
if [[ ! -x "$python" ]]; then
    echo "run.sh: no venv at $here/../.venv; create it with: python3 -m venv .venv && .venv/bin/pip install -r Tests/requirements.txt" >&2
    exit 2
fi
if [[ ! -x /usr/bin/time ]]; then
    echo "run.sh: /usr/bin/time is missing; install it with: apt-get install time" >&2
    exit 2
fi
exec "$python" "$here/run.py" "$@"
