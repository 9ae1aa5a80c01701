#!/usr/bin/env bash
# Micro-benchmarks of the kernels (package-benchmark). Arguments go to `swift package benchmark`, e.g.
#   benchmarks/micro.sh                                  # every suite
#   benchmarks/micro.sh --target CSVBenchmarks           # one suite
#   benchmarks/micro.sh baseline update main             # save a baseline; later: baseline compare main
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
# package-benchmark 1.38 declares ordo-one/swift-runtime-interposer on Linux with Swift 6.3; the offline mirror lacks
# it, so an empty local stand-in is used (its product is not linked: Package.swift turns that trait off).
export RUNTIME_INTERPOSER_LOCAL_PATH="$here/Stubs/swift-runtime-interposer"
unset SLUICE_ONLY
if [[ $# -eq 0 ]]; then set -- run --no-progress; fi
exec swift package --scratch-path "$here/.build-bench-micro" --disable-sandbox --allow-writing-to-package-directory benchmark "$@"
