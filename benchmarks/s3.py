#!/usr/bin/env python3
"""W6 and W7: Sluice against Polars and pyarrow reading from and writing to S3 (moto's server). Issue 11.

  W6  psd on --rows sales rows, CSV from S3, Parquet to S3
  W7  jmsd --rows ⋈ --rows (generate.py join-inputs, Parquet) from S3 to S3

    .venv/bin/python benchmarks/s3.py [--rows 2000000] [--runs 3] [--sluice .build/release/sluice]

moto's S3 server runs on 127.0.0.1 on a free port behind Tests/S3Tests/Fixtures/fault_proxy.py (--rate 0: it only
forwards and logs), and every engine talks to the proxy, so its log gives the requests and the bytes each run sent
(request bodies, bytes_in) and received (answer bodies, bytes_sent). The inputs are uploaded once, directly to moto.
Each run is one process under /usr/bin/time -v (wall, peak RSS, CPU); moto's CPU time during the run comes from
/proc/PID/stat. The engines alternate run by run; medians are reported. Each engine's last output is downloaded and
compared with the others: schema, row count and a checksum of every value (DuckDB's hash of each row, summed).
DuckDB itself is not a peer here: its httpfs extension is not installable for DuckDB 2.0.1 (PyPI's
duckdb-extension-httpfs stops at 1.5.5), and it cannot download extensions offline.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

import boto3

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
RESULTS = HERE / "results"
PYTHON = sys.executable
PROXY = ROOT / "Tests" / "S3Tests" / "Fixtures" / "fault_proxy.py"
BUCKET = "bench"
ENGINES = ["sluice", "polars", "pyarrow"]
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1"}
TICKS = os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def human_rows(n: int) -> str:
    for unit, size in (("M", 1_000_000), ("k", 1_000)):
        if n >= size and n % size == 0:
            return f"{n // size}{unit}"
    return str(n)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


class Servers:
    """moto's S3 server and the counting proxy in front of it."""

    def __init__(self) -> None:
        env = {k: v for k, v in os.environ.items() if k != "S3_UPLOAD_PART_MIN_SIZE"}
        self.moto_port = free_port()
        self.moto = subprocess.Popen(
            [PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.moto_port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.moto_url = f"http://127.0.0.1:{self.moto_port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(self.moto_url + "/moto-api/", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        self.proxy = subprocess.Popen(
            [PYTHON, str(PROXY), "--upstream", self.moto_url, "--rate", "0", "--ttl", "7200"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        line = self.proxy.stdout.readline()
        if not line.startswith("READY"):
            raise SystemExit(f"s3.py: the proxy did not start: {line!r}")
        self.proxy_url = f"http://127.0.0.1:{line.split()[1]}"
        self.s3 = boto3.client("s3", endpoint_url=self.moto_url, region_name="us-east-1",
                               aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip

    def control(self, path: str, method: str = "GET"):
        data = b"" if method == "POST" else None
        with urllib.request.urlopen(urllib.request.Request(self.proxy_url + path, data=data, method=method)) as r:
            return json.loads(r.read() or b"null")

    def delete_prefix(self, prefix: str) -> None:
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
            keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
            if keys:
                self.s3.delete_objects(Bucket=BUCKET, Delete={"Objects": keys})
        uploads = self.s3.list_multipart_uploads(Bucket=BUCKET, Prefix=prefix).get("Uploads", [])
        for u in uploads:
            self.s3.abort_multipart_upload(Bucket=BUCKET, Key=u["Key"], UploadId=u["UploadId"])

    def stop(self) -> None:
        for p in (self.proxy, self.moto):
            p.terminate()
            p.wait(timeout=10)


class Workload:
    def __init__(self, name: str, job: str, description: str, inputs: dict[str, tuple[str, str]], input_bytes: int):
        self.name, self.job, self.description, self.inputs, self.input_bytes = name, job, description, inputs, input_bytes

    def out_prefix(self, engine: str) -> str:
        return f"out/{self.name}/{engine}"

    def command(self, engine: str, sluice: pathlib.Path) -> list[str]:
        head = [str(sluice)] if engine == "sluice" else [PYTHON, str(HERE / "peers" / "s3_etl.py"), engine]
        cmd = head + ["run", self.job]
        for name, (sluice_url, peer_url) in self.inputs.items():
            cmd += ["--input", f"{name}={sluice_url if engine == 'sluice' else peer_url}"]
        return cmd + ["--output", f"s3://{BUCKET}/{self.out_prefix(engine)}", "--codec", "snappy"]


def upload(servers: Servers, rows: int) -> list[Workload]:
    n = human_rows(rows)
    sales = DATA / f"sales-{n}.csv"
    join = DATA / f"join-{n}"
    for kind, path, done in (("sales", sales, sales), ("join-inputs", join, join / "pmd" / "part-00000.parquet")):
        if not done.exists():
            log(f"generating {kind} {rows} rows -> {path}")
            subprocess.run([PYTHON, str(HERE / "generate.py"), kind, "--rows", str(rows), "--out", str(path)], check=True)
    servers.s3.create_bucket(Bucket=BUCKET)
    log(f"uploading {sales.name} and {join.name} to moto")
    servers.s3.upload_file(str(sales), BUCKET, f"sales/{sales.name}")
    join_bytes = 0
    for side in ("psd", "pmd"):
        for f in sorted((join / side).glob("*.parquet")):
            servers.s3.upload_file(str(f), BUCKET, f"join/{side}/{f.name}")
            join_bytes += f.stat().st_size
    return [
        Workload("W6", "psd", f"psd on {n} sales rows, CSV from S3, Parquet to S3",
                 {"sales": (f"s3://{BUCKET}/sales/", f"s3://{BUCKET}/sales/{sales.name}")}, sales.stat().st_size),
        Workload("W7", "jmsd", f"jmsd {n} ⋈ {n} on date, sorted, Parquet from S3 to S3",
                 {side: (f"s3://{BUCKET}/join/{side}/",) * 2 for side in ("psd", "pmd")}, join_bytes),
    ]  # fmt: skip


class RunFailed(Exception):
    pass


def measure(servers: Servers, w: Workload, engine: str, sluice: pathlib.Path) -> dict:
    servers.delete_prefix(w.out_prefix(engine) + "/")
    servers.control("/__proxy/reset", "POST")
    env = dict(os.environ, AWS_ENDPOINT_URL_S3=servers.proxy_url, **CREDENTIALS)
    env.pop("AWS_ENDPOINT_URL", None)
    moto_before, proxy_before = cpu_seconds(servers.moto.pid), cpu_seconds(servers.proxy.pid)
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *w.command(engine, sluice)], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    wall = time.perf_counter() - start
    moto_cpu = cpu_seconds(servers.moto.pid) - moto_before
    proxy_cpu = cpu_seconds(servers.proxy.pid) - proxy_before
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-30:])
        raise RunFailed(f"exit {proc.returncode}: {' '.join(w.command(engine, sluice))}\n{tail}")

    def field(name: str) -> float:
        m = re.search(rf"{re.escape(name)}: ([\d.]+)", proc.stderr)
        if not m:
            raise RunFailed(f"no {name!r} in /usr/bin/time output")
        return float(m.group(1))

    requests = servers.control("/__proxy/log")
    methods: dict[str, int] = {}
    for r in requests:
        methods[r["method"]] = methods.get(r["method"], 0) + 1
    return {
        "wall_s": wall, "rss_bytes": int(field("Maximum resident set size (kbytes)")) * 1024,
        "cpu_s": field("User time (seconds)") + field("System time (seconds)"),
        "moto_cpu_s": moto_cpu, "proxy_cpu_s": proxy_cpu,
        "requests": len(requests), "methods": methods,
        "bytes_out": sum(r.get("bytes_in") or 0 for r in requests),
        "bytes_in": sum(r.get("bytes_sent") or 0 for r in requests),
        "errors": sum(1 for r in requests if (r.get("status") or 0) >= 400),
    }  # fmt: skip


def run_workload(servers: Servers, w: Workload, engines: list[str], sluice: pathlib.Path, runs: int) -> dict:
    log(f"{w.name}: {w.description}")
    samples: dict[str, list[dict]] = {e: [] for e in engines}
    errors: dict[str, str] = {}
    for r in range(runs):
        order = engines[r % len(engines):] + engines[: r % len(engines)]
        for engine in order:
            if engine in errors:
                continue
            try:
                m = measure(servers, w, engine, sluice)
            except RunFailed as e:
                errors[engine] = str(e)
                log(f"  {engine} FAILED: {e}")
                continue
            samples[engine].append(m)
            log(f"  run {r + 1}/{runs} {engine:7s} {m['wall_s']:7.2f} s {m['rss_bytes'] / 2**20:7.0f} MiB "
                f"cpu {m['cpu_s']:6.2f} s moto {m['moto_cpu_s']:6.2f} s {m['requests']} req "
                f"in {m['bytes_in'] / 1e6:.1f} MB out {m['bytes_out'] / 1e6:.1f} MB")  # fmt: skip
    result = {"workload": w.name, "job": w.job, "description": w.description, "input_bytes": w.input_bytes,
              "commands": {e: " ".join(w.command(e, pathlib.Path("sluice"))).replace(str(ROOT) + "/", "")
                           for e in engines},
              "engines": {}, "errors": errors}  # fmt: skip
    for engine, ms in samples.items():
        if ms and engine not in errors:
            median = {k: statistics.median(m[k] for m in ms) for k in
                      ("wall_s", "rss_bytes", "cpu_s", "moto_cpu_s", "proxy_cpu_s", "requests", "bytes_in", "bytes_out")}
            result["engines"][engine] = {"median": median, "runs": ms}  # fmt: skip
    return result


def verify(servers: Servers, w: Workload, engines: list[str]) -> tuple[dict, list[str]]:
    """Downloads each engine's output; returns {engine: (schema, rows, checksum)} and the disagreements."""
    import duckdb

    con = duckdb.connect()
    found: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for engine in engines:
            prefix = w.out_prefix(engine) + "/"
            keys = [o["Key"] for o in servers.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
                    if o["Key"].endswith(".parquet")]  # fmt: skip
            if not keys:
                continue
            files = []
            for i, key in enumerate(sorted(keys)):
                path = pathlib.Path(tmp) / f"{engine}-{i}.parquet"
                servers.s3.download_file(BUCKET, key, str(path))
                files.append(str(path))
            rel = f"read_parquet({files!r})"
            schema = con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {rel})").fetchall()
            rows, checksum = con.execute(f"SELECT count(*), sum(hash(t))::HUGEINT FROM {rel} t").fetchone()
            unsorted = con.execute(f"""SELECT count(*) FROM (SELECT date < lag(date) OVER (ORDER BY filename,
                file_row_number) AS down FROM read_parquet({files!r}, filename = true, file_row_number = true))
                WHERE down""").fetchone()[0]  # fmt: skip
            found[engine] = {"files": len(files), "schema": [list(c) for c in schema], "rows": rows,
                             "checksum": str(checksum), "unsorted": unsorted}  # fmt: skip
    problems = []
    ref = found.get("sluice") or next(iter(found.values()), None)
    for engine, f in found.items():
        if f["unsorted"]:
            problems.append(f"{w.name} {engine}: not sorted by date ({f['unsorted']} descents)")
        for k in ("schema", "rows", "checksum"):
            if f[k] != ref[k]:
                problems.append(f"{w.name} {engine}: {k} {f[k]} differs from {ref[k]}")
    for engine in engines:
        if engine not in found:
            problems.append(f"{w.name} {engine}: no output")
    return found, problems


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [
        f"Measured {report['date']} on {m['nproc']} cores, {m['memory']} RAM; Polars {m['polars']}, pyarrow "
        f"{m['pyarrow']}, moto {m['moto']}; Sluice binary {m['sluice_binary']} ({m['sluice_build']} build). Load average at start "
        f"{', '.join(f'{x:.2f}' for x in m['loadavg_at_start'])}, at end "
        f"{', '.join(f'{x:.2f}' for x in m['loadavg_at_end'])}. "
        f"{report['rows']:,} rows. Median of {report['runs']} alternating runs; wall time "
        "includes process start; peak RSS and CPU (user + sys) from /usr/bin/time -v; moto CPU is moto's server "
        "process during the run (/proc/PID/stat); requests and bytes counted by the proxy in front of moto "
        "(in = answer bodies received by the engine, out = request bodies it sent).",
        "",
        "| workload | engine | wall | peak RSS | engine CPU | moto CPU | requests | bytes in | bytes out | output |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for w in report["workloads"]:
        for engine in report["engines"]:
            e = w["engines"].get(engine)
            if not e:
                reason = w["errors"].get(engine, "not run").splitlines()[0][:80].replace("|", "/")
                lines.append(f"| {w['workload']} | {engine} | failed: {reason} | | | | | | | |")
                continue
            d = e["median"]
            v = w["verify"].get(engine, {})
            methods = ", ".join(f"{k} {v}" for k, v in sorted(e["runs"][-1]["methods"].items()))
            lines.append(
                f"| {w['workload']} | {engine} | {d['wall_s']:.2f} s | {d['rss_bytes'] / 2**20:.0f} MiB "
                f"| {d['cpu_s']:.2f} s | {d['moto_cpu_s']:.2f} s | {d['requests']:.0f} ({methods}) "
                f"| {d['bytes_in'] / 1e6:.1f} MB | {d['bytes_out'] / 1e6:.2f} MB "
                f"| {v.get('rows', '–')} rows, checksum {v.get('checksum', '–')[-8:]} |"
            )  # fmt: skip
    lines += ["", "| workload | fewer requests than every peer | fewer bytes (in + out) than every peer "
              "| wall ≤ 0.7× fastest peer |", "|---|---|---|---|"]  # fmt: skip
    for w in report["workloads"]:
        g = w.get("goals")
        if g:
            lines.append(f"| {w['workload']} | {g['requests']} | {g['bytes']} | {g['wall']} |")
    if any(w["problems"] for w in report["workloads"]):
        lines += ["", "Output disagreements:", ""] + [f"- {p}" for w in report["workloads"] for p in w["problems"]]
    lines += ["", "Commands:", ""]
    for w in report["workloads"]:
        for engine, cmd in w["commands"].items():
            lines.append(f"- {w['workload']} {engine}: `{cmd}`")
    return "\n".join(lines) + "\n"


def goals(w: dict) -> dict | None:
    s = w["engines"].get("sluice")
    peers = [e["median"] for k, e in w["engines"].items() if k != "sluice"]
    if not s or not peers:
        return None
    s = s["median"]
    req = min(p["requests"] for p in peers)
    byt = min(p["bytes_in"] + p["bytes_out"] for p in peers)
    wall = min(p["wall_s"] for p in peers)
    yes = lambda ok: "met" if ok else "missed"  # noqa: E731
    return {
        "requests": f"{yes(s['requests'] < req)} ({s['requests']:.0f} vs {req:.0f})",
        "bytes": f"{yes(s['bytes_in'] + s['bytes_out'] < byt)} ({(s['bytes_in'] + s['bytes_out']) / 1e6:.1f} MB "
                 f"vs {byt / 1e6:.1f} MB)",
        "wall": f"{yes(s['wall_s'] <= 0.7 * wall)} ({s['wall_s'] / wall:.2f}× of {wall:.2f} s)",
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workloads", default="W6,W7")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--sluice", type=pathlib.Path, default=ROOT / ".build" / "release" / "sluice")
    parser.add_argument("--name", default=None, help="results/<name>.md and .json (default: <date>-s3)")
    args = parser.parse_args()
    engines = args.engines.split(",")
    import moto
    import polars
    import pyarrow

    report = {
        "date": datetime.date.today().isoformat(), "rows": args.rows, "runs": args.runs, "engines": engines,
        "machine": {"nproc": os.cpu_count(), "loadavg_at_start": os.getloadavg(),
                    "memory": next(l for l in open("/proc/meminfo") if l.startswith("MemTotal")).split(":")[1].strip(),
                    "polars": polars.__version__, "pyarrow": pyarrow.__version__, "moto": moto.__version__,
                    "sluice_commit": subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                                    capture_output=True, text=True).stdout.strip()},
        "workloads": [],
    }  # fmt: skip
    report["machine"]["sluice_binary"] = str(args.sluice)
    report["machine"]["sluice_build"] = "debug" if "debug" in str(args.sluice) else "release"
    servers = Servers()
    try:
        workloads = [w for w in upload(servers, args.rows) if w.name in args.workloads.split(",")]
        for w in workloads:
            result = run_workload(servers, w, engines, args.sluice, args.runs)
            result["verify"], result["problems"] = verify(servers, w, engines)
            for p in result["problems"]:
                log(f"  MISMATCH {p}")
            result["goals"] = goals(result)
            report["workloads"].append(result)
    finally:
        servers.stop()
    report["machine"]["loadavg_at_end"] = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)
    name = args.name or f"{report['date']}-s3"
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=1) + "\n")
    (RESULTS / f"{name}.md").write_text(markdown(report))
    log(f"wrote {RESULTS / name}.md and .json")
    print(markdown(report))
    return 1 if any(w["problems"] for w in report["workloads"]) else 0


if __name__ == "__main__":
    sys.exit(main())
