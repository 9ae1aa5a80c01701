#!/usr/bin/env python3
"""W9: PSD as a fan-out on Step Functions (moto's interpreter), 1, 2 and 4 workers, against one process and DuckDB.

    .venv/bin/python benchmarks/fanout.py [--rows 10000000] [--parts 16] [--workers 1,2,4] [--runs 1]
                                          [--sluice .build/release/sluice]

The sales input (generate.py, deterministic) is split into --parts CSV files. A state machine with a Distributed
Map over the list of parts (inline items, MaxConcurrency = parts) sends one `psd-partial` task per part to the
Glue-runner activity, then one `psd-merge` task: the local variants of the jobs in jobs/ (psd-partial.json,
psd-merge.json), so that the time is the engine's and the fan-out's, not moto's S3. Each worker is a
`sluice worker --concurrency 1` process with a state file of its own.

Measured per worker count: the wall time from StartExecution to SUCCEEDED, and from the execution history and the
workers' states the fan-out's cost per task: scheduled -> started (waiting for a poll), and started -> succeeded
minus the job's own run time (heartbeats, the report, the commit bookkeeping). The baselines are `sluice run psd`
and DuckDB (benchmarks/peers/duckdb_etl.py) over the whole input, each one process. Every merged result is
compared with the single Sluice run (pyarrow Table.equals) and with DuckDB's (same dates, sums and counts).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import boto3
import pyarrow.parquet as pq

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
# The benchmarks' shared paths and helpers.
from s3 import CREDENTIALS, DATA, HERE, PYTHON, RESULTS, ROOT, human_rows, log  # noqa: E402

LAUNCHER = ROOT / "Tests" / "RunnerTests" / "Fixtures" / "moto_sfn_launcher.py"
ROLE = "arn:aws:iam::123456789012:role/StateExecutionRole"


def ensure_parts(rows: int, parts: int) -> tuple[pathlib.Path, list[pathlib.Path]]:
    """The whole sales CSV and its split into `parts` files (each with the header), generated once."""
    whole = DATA / f"sales-{human_rows(rows)}.csv"
    if not whole.exists():
        log(f"generating {rows} sales rows -> {whole}")
        subprocess.run([PYTHON, str(HERE / "generate.py"), "sales", "--rows", str(rows), "--out", str(whole)], check=True)
    directory = DATA / f"sales-{human_rows(rows)}-parts{parts}"
    files = [directory / f"part-{i:05d}.csv" for i in range(parts)]
    if not all(f.exists() for f in files):
        log(f"splitting {whole.name} into {parts} parts")
        directory.mkdir(parents=True, exist_ok=True)
        per_part = (rows + parts - 1) // parts
        with whole.open("rb") as source:
            header = source.readline()
            for f in files:
                with f.open("wb") as out:
                    out.write(header)
                    for _ in range(per_part):
                        line = source.readline()
                        if not line:
                            break
                        out.write(line)
    return whole, files


def timed(cmd: list[str], **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - start


def start_moto(directory: pathlib.Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [PYTHON, str(LAUNCHER), "--port", "0", "--ttl", "3600", "--poll-seconds", "2"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=(directory / "moto.log").open("w"), text=True,
    )
    for line in process.stdout:
        if line.startswith("READY "):
            return process, f"http://127.0.0.1:{int(line.split()[1])}"
    raise RuntimeError(f"moto did not start: {(directory / 'moto.log').read_text()[-2000:]}")


def definition(activity: str, parts: int, partials: pathlib.Path, merged: pathlib.Path) -> str:
    task = {"Type": "Task", "Resource": activity, "HeartbeatSeconds": 30,
            "Retry": [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2}]}
    return json.dumps({
        "StartAt": "Partials",
        "States": {
            "Partials": {
                "Type": "Map", "ItemsPath": "$.parts", "MaxConcurrency": parts,
                "ItemSelector": {"job": "psd-partial", "inputs": {"sales.$": "$$.Map.Item.Value.path"},
                                 "output.$": "$$.Map.Item.Value.output"},
                "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                                  "StartAt": "Partial", "States": {"Partial": {**task, "End": True}}},
                "ResultPath": None, "Next": "Prep Merge",
            },
            "Prep Merge": {"Type": "Pass", "Result": {"job": "psd-merge", "inputs": {"partials": str(partials)},
                                                      "output": str(merged)}, "Next": "Merge"},
            "Merge": {**task, "End": True},
        },
    })


def run_fan_out(sfn, endpoint: str, sluice: str, workers: int, parts: list[pathlib.Path], work: pathlib.Path,
                name: str) -> dict:
    activity = sfn.create_activity(name=f"GlueRunner-{name}")["activityArn"]
    partials, merged = work / f"{name}-partials", work / f"{name}-merged"
    machine = sfn.create_state_machine(
        name=name, definition=definition(activity, len(parts), partials, merged), roleArn=ROLE
    )["stateMachineArn"]
    env = {**os.environ, **CREDENTIALS, "AWS_ENDPOINT_URL_SFN": endpoint, "AWS_EC2_METADATA_DISABLED": "true"}
    processes = []
    for index in range(workers):
        state = work / f"{name}-worker-{index}.sqlite"
        processes.append(subprocess.Popen(
            [sluice, "worker", "--activity-arn", activity, "--jobs", str(ROOT / "jobs"), "--state", str(state),
             "--worker-name", f"w{index}", "--concurrency", "1", "--heartbeat", "5"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=(work / f"{name}-worker-{index}.log").open("w"),
        ))
    time.sleep(3)  # every worker has its first poll in flight
    items = [{"path": str(p), "output": str(partials / f"part={i:05d}")} for i, p in enumerate(parts)]
    start = time.perf_counter()
    execution = sfn.start_execution(stateMachineArn=machine, name=name, input=json.dumps({"parts": items}))
    while True:
        status = sfn.describe_execution(executionArn=execution["executionArn"])["status"]
        if status != "RUNNING":
            break
        time.sleep(0.05)
    wall = time.perf_counter() - start
    for p in processes:
        p.terminate()
    for p in processes:
        p.wait(timeout=120)
    if status != "SUCCEEDED":
        raise RuntimeError(f"{name}: {status}")
    # The fan-out's cost per task, from the history of the Map's child executions and the workers' states.
    runs = []
    for index in range(workers):
        listed = subprocess.run([sluice, "jobs", "--state", str(work / f"{name}-worker-{index}.sqlite"), "--json"],
                                check=True, capture_output=True, text=True).stdout
        runs += [json.loads(line) for line in listed.splitlines()]

    def seconds(run: dict) -> float:
        parse = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
        return (parse(run["completedAt"]) - parse(run["startedAt"])).total_seconds()

    job_seconds = sum(seconds(r) for r in runs)
    return {"workers": workers, "wall": wall, "tasks": len(runs), "job_seconds": job_seconds,
            "per_worker": {f"w{i}": sum(1 for r in runs if r.get("workerName") == f"w{i}") for i in range(workers)},
            "merged": str(merged / "part-00000.parquet")}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--parts", type=int, default=16)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--sluice", default=str(ROOT / ".build" / "release" / "sluice"))
    args = parser.parse_args(argv)
    whole, parts = ensure_parts(args.rows, args.parts)
    work = pathlib.Path(tempfile.mkdtemp(prefix="sluice-w9-"))
    moto, endpoint = start_moto(work)
    sfn = boto3.client("stepfunctions", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    results: dict[str, list] = {"sluice": [], "duckdb": []}
    fan: dict[int, list[dict]] = {}
    try:
        for run in range(args.runs):
            log(f"run {run + 1}: one sluice process")
            results["sluice"].append(timed([args.sluice, "run", "psd", "--input", f"sales={whole}", "--output",
                                            str(work / "single")]))
            log(f"run {run + 1}: duckdb")
            results["duckdb"].append(timed([PYTHON, str(HERE / "peers" / "duckdb_etl.py"), "run", "psd", "--input",
                                            f"sales={whole}", "--output", str(work / "duckdb")]))
            for n in [int(w) for w in args.workers.split(",")]:
                log(f"run {run + 1}: fan-out on {n} workers")
                fan.setdefault(n, []).append(run_fan_out(sfn, endpoint, args.sluice, n, parts, work, f"w9-{run}-{n}"))
        single = pq.read_table(work / "single" / "part-00000.parquet")
        duck = pq.read_table(work / "duckdb" / "part-00000.parquet").sort_by("date")
        checks = {}
        for n, entries in fan.items():
            merged = pq.read_table(entries[-1]["merged"])
            checks[n] = {
                "equals_single_sluice": merged.equals(single),
                "equals_duckdb_values": merged.column("date").to_pylist() == duck.column("date").to_pylist()
                and merged.column("forecasted_lead_revenue").to_pylist()
                == duck.column("forecasted_lead_revenue").to_pylist()
                and merged.column("leads_generated").to_pylist() == duck.column("leads_generated").to_pylist(),
            }
    finally:
        moto.stdin.close()
        moto.terminate()
    median = statistics.median
    lines = [
        f"# W9: PSD fan-out, {human_rows(args.rows)} rows in {args.parts} parts ({time.strftime('%Y-%m-%d')})", "",
        f"`{' '.join(['benchmarks/fanout.py'] + argv)}`; {os.cpu_count()} cores; medians of {args.runs} run(s).", "",
        "| Run | Wall (s) | × one Sluice process | × DuckDB | Tasks | Σ job time (s) | Fan-out cost per task (s) "
        "| Tasks per worker | Result = one Sluice run | Result = DuckDB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    one, duck_wall = median(results["sluice"]), median(results["duckdb"])
    lines.append(f"| one `sluice run psd` | {one:.2f} | 1.00 | {one / duck_wall:.2f} | 1 | | | | | |")
    lines.append(f"| DuckDB (one process) | {duck_wall:.2f} | {duck_wall / one:.2f} | 1.00 | | | | | | |")
    for n, entries in sorted(fan.items()):
        wall = median(e["wall"] for e in entries)
        e = entries[-1]
        # With n workers each running one task at a time, the wall is at least Σ job time / n: the rest is the
        # fan-out's (waiting for polls, heartbeats, reports, the Map's own scheduling), spread over the tasks.
        cost = max(0.0, wall - e["job_seconds"] / n) * n / e["tasks"]
        lines.append(
            f"| fan-out, {n} worker{'s' if n > 1 else ''} | {wall:.2f} | {wall / one:.2f} | {wall / duck_wall:.2f} "
            f"| {e['tasks']} | {e['job_seconds']:.2f} | {cost:.2f} | {e['per_worker']} "
            f"| {checks[n]['equals_single_sluice']} | {checks[n]['equals_duckdb_values']} |"
        )
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{time.strftime('%Y-%m-%d')}-w9-fanout.md"
    out.write_text(text)
    print(text)
    shutil.rmtree(work, ignore_errors=True)
    return 0 if all(c["equals_single_sluice"] and c["equals_duckdb_values"] for c in checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
