#!/usr/bin/env bash
# Builds CSVProbe (release), pollutes clean tables and scores Sluice (dialect given / sniffed) against DuckDB
# (hints given / its own sniffer). Writes benchmarks/csv-messy/results.md. Usage: benchmarks/csv-messy/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
python="${SLUICE_PYTHON:-$PWD/.venv/bin/python}"
SLUICE_ONLY=CSVProbe swift build -c release --product CSVProbe
work="$(mktemp -d "${TMPDIR:-/tmp}/sluice-csv-messy.XXXXXX")"
trap 'rm -rf "$work"' EXIT
"$python" benchmarks/csv-messy/pollute.py "$work" --tables 3 --rows 200
"$python" benchmarks/csv-messy/score.py "$work" .build/release/CSVProbe --out benchmarks/csv-messy/results.md
