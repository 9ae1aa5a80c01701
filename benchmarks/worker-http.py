#!/usr/bin/env python3
"""W10: does scraping the worker's HTTP endpoint disturb its jobs? Issue 18.

    .venv/bin/python benchmarks/worker-http.py [--rows 5000000] [--pairs 5] [--requests 1000]
                                               [--sluice .build/release/sluice]

Starts moto's Step Functions interpreter (Tests/RunnerTests/Fixtures/moto_sfn_launcher.py) on 127.0.0.1, one
`sluice worker --http-port 0 --concurrency 1` on one activity, and a one-state machine whose Task runs psd on a
generated sales CSV of --rows rows (generate.py sales). Executions alternate between quiet and burst: during a
burst execution, 8 client threads send --requests GET requests, alternating /metrics and /healthz, as fast as
they are answered, starting when the execution starts. Per execution: the job's own time (the task output's
completedOn - startedOn, as the worker measured it) and the execution's wall time (StartExecution until
DescribeExecution says SUCCEEDED, polled every 20 ms). Every execution's output dataset is read with pyarrow and
compared with the first one's: rows, schema and every value. Reports medians per mode, the burst's own rate
and latency, and how many requests were not answered 200.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

import boto3
import pyarrow.parquet as pq

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
RESULTS = HERE / "results"
LAUNCHER = ROOT / "Tests" / "RunnerTests" / "Fixtures" / "moto_sfn_launcher.py"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1"}


def log(message: str) -> None:
    print(f"[worker-http] {message}", file=sys.stderr, flush=True)


def wait_for_line(process: subprocess.Popen, stream, prefix: str, seconds: float) -> str:
    deadline = time.time() + seconds
    while time.time() < deadline:
        line = stream.readline()
        if not line:
            if process.poll() is not None:
                raise SystemExit(f"process exited ({process.returncode}) before printing {prefix!r}")
            continue
        if prefix in line:
            return line
    raise SystemExit(f"no {prefix!r} within {seconds} s")


def burst(base: str, total: int, threads: int = 8) -> dict:
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    counter = iter(range(total))

    def client() -> None:
        nonlocal failures
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            path = "/metrics" if i % 2 == 0 else "/healthz"
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(base + path, timeout=30) as answer:
                    answer.read()
                    ok = answer.status == 200
            except (urllib.error.URLError, OSError):
                ok = False
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                failures += 0 if ok else 1

    start = time.perf_counter()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    seconds = time.perf_counter() - start
    latencies.sort()
    return {
        "requests": total,
        "seconds": seconds,
        "rate": total / seconds,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "not_200": failures,
    }


def cpu_seconds(pid: int) -> float:
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def parse_time(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--sluice", type=pathlib.Path, default=ROOT / ".build" / "release" / "sluice")
    parser.add_argument("--name", default=None, help="results/<name>.md and .json (default: <date>-worker-http)")
    options = parser.parse_args()
    if not options.sluice.is_file():
        raise SystemExit(f"no sluice binary at {options.sluice}: swift build -c release --product sluice")

    DATA.mkdir(exist_ok=True)
    sales = DATA / f"sales-{options.rows}.csv"
    if not sales.exists():
        log(f"generating {sales}")
        subprocess.run([sys.executable, str(HERE / "generate.py"), "sales", "--rows", str(options.rows),
                        "--out", str(sales)], check=True)

    work = pathlib.Path(tempfile.mkdtemp(prefix="sluice-worker-http-"))
    moto = subprocess.Popen([sys.executable, str(LAUNCHER), "--port", "0", "--ttl", "3600", "--poll-seconds", "2"],
                            stdout=subprocess.PIPE, text=True)
    port = int(wait_for_line(moto, moto.stdout, "READY", 60).split()[1])
    endpoint = f"http://127.0.0.1:{port}"
    sfn = boto3.client("stepfunctions", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    activity = sfn.create_activity(name="GlueRunnerActivity")["activityArn"]
    definition = {"StartAt": "Run Job", "States": {"Run Job": {"Type": "Task", "Resource": activity, "End": True}}}
    machine = sfn.create_state_machine(name="Burst", definition=json.dumps(definition),
                                       roleArn="arn:aws:iam::123456789012:role/sfn")["stateMachineArn"]

    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    environment.update(CREDENTIALS, AWS_ENDPOINT_URL_SFN=endpoint, AWS_EC2_METADATA_DISABLED="true")
    worker = subprocess.Popen(
        [str(options.sluice), "worker", "--activity-arn", activity, "--jobs", str(ROOT / "jobs"),
         "--state", str(work / "state.sqlite"), "--concurrency", "1", "--http-port", "0", "--log-format", "text"],
        cwd=work, env=environment, stderr=subprocess.PIPE, text=True)
    line = wait_for_line(worker, worker.stderr, "http endpoint listening", 60)
    http_port = next(int(w[5:]) for w in line.split() if w.startswith("port="))
    base = f"http://127.0.0.1:{http_port}"
    threading.Thread(target=lambda: [None for _ in worker.stderr], daemon=True).start()

    runs: list[dict] = []
    reference = None
    try:
        for index in range(options.pairs * 2 + 1):
            # The first execution warms the page cache and the worker; it is not counted.
            mode = "warm-up" if index == 0 else ("quiet" if index % 2 == 1 else "burst")
            output = work / "out" / f"run-{index}"
            task = {"job": "psd", "inputs": {"sales": str(sales)}, "output": str(output)}
            start = time.perf_counter()
            arn = sfn.start_execution(stateMachineArn=machine, name=f"run-{index}", input=json.dumps(task))[
                "executionArn"]
            scrape: dict | None = None
            scraper = None
            if mode == "burst":
                def scrape_now() -> None:
                    nonlocal scrape
                    scrape = burst(base, options.requests)
                scraper = threading.Thread(target=scrape_now)
                scraper.start()
            while True:
                described = sfn.describe_execution(executionArn=arn)
                if described["status"] != "RUNNING":
                    break
                time.sleep(0.02)
            wall = time.perf_counter() - start
            if scraper:
                scraper.join()
            if described["status"] != "SUCCEEDED":
                raise SystemExit(f"execution {index} ended {described['status']}: {described}")
            result = json.loads(described["output"])
            job_seconds = (parse_time(result["completedOn"]) - parse_time(result["startedOn"])).total_seconds()
            table = pq.read_table(output)
            if reference is None:
                reference = table
            same = table.equals(reference)
            run = {"mode": mode, "job_seconds": job_seconds, "wall": wall, "rows": table.num_rows, "same": same,
                   "burst": scrape}
            runs.append(run)
            log(json.dumps(run))
            if not same:
                raise SystemExit(f"execution {index}'s output differs from the first one's")
        # The same burst against the idle worker: what serving costs the worker, and what the client costs the machine.
        idle = []
        for _ in range(3):
            worker_before, client_before = cpu_seconds(worker.pid), time.process_time()
            scrape = burst(base, options.requests)
            scrape["worker_cpu"] = cpu_seconds(worker.pid) - worker_before
            scrape["client_cpu"] = time.process_time() - client_before
            idle.append(scrape)
            log(json.dumps({"mode": "idle burst", **scrape}))
    finally:
        worker.terminate()
        worker.wait(timeout=120)
        moto.terminate()

    def median(mode: str, key: str) -> float:
        return statistics.median(r[key] for r in runs if r["mode"] == mode)

    bursts = [r["burst"] for r in runs if r["burst"]]
    report = {
        "date": datetime.date.today().isoformat(),
        "rows": options.rows,
        "pairs": options.pairs,
        "sluice": str(options.sluice),
        "loadavg": os.getloadavg(),
        "runs": runs,
        "quiet_job_seconds": median("quiet", "job_seconds"),
        "burst_job_seconds": median("burst", "job_seconds"),
        "quiet_wall": median("quiet", "wall"),
        "burst_wall": median("burst", "wall"),
        "burst_rate": statistics.median(b["rate"] for b in bursts),
        "burst_p50_ms": statistics.median(b["p50_ms"] for b in bursts),
        "burst_p99_ms": statistics.median(b["p99_ms"] for b in bursts),
        "burst_seconds": statistics.median(b["seconds"] for b in bursts),
        "not_200": sum(b["not_200"] for b in bursts),
        "idle_bursts": idle,
        "idle_worker_cpu": statistics.median(b["worker_cpu"] for b in idle),
        "idle_client_cpu": statistics.median(b["client_cpu"] for b in idle),
        "idle_burst_seconds": statistics.median(b["seconds"] for b in idle),
    }
    quiet_spread = [r["job_seconds"] for r in runs if r["mode"] == "quiet"]
    report["quiet_job_range"] = [min(quiet_spread), max(quiet_spread)]
    name = options.name or f"{report['date']}-worker-http"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    lines = [
        f"Measured {report['date']}: psd on {options.rows:,} sales rows through `sluice worker` "
        f"({options.sluice.name}, --concurrency 1) and moto's Step Functions; {options.pairs} quiet and "
        f"{options.pairs} burst executions, alternating; load average at end {report['loadavg']}.",
        "",
        "| mode | job time (median) | execution wall (median) | outputs equal |",
        "|---|---|---|---|",
        f"| quiet | {report['quiet_job_seconds']:.3f} s (range {min(quiet_spread):.3f}–{max(quiet_spread):.3f}) "
        f"| {report['quiet_wall']:.3f} s | yes |",
        f"| burst of {options.requests} requests | {report['burst_job_seconds']:.3f} s | {report['burst_wall']:.3f} s "
        f"| yes |",
        "",
        f"Burst: {report['burst_rate']:.0f} requests/s over {report['burst_seconds']:.2f} s, p50 "
        f"{report['burst_p50_ms']:.1f} ms, p99 {report['burst_p99_ms']:.1f} ms, {report['not_200']} not answered 200.",
        "",
        f"The same burst against the idle worker (median of 3): {report['idle_burst_seconds']:.2f} s; the worker spent "
        f"{report['idle_worker_cpu']:.2f} s of CPU serving it, the Python client {report['idle_client_cpu']:.2f} s "
        "(on 2 cores, the client's CPU is taken from the job).",
    ]
    (RESULTS / f"{name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
