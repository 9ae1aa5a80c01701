#!/usr/bin/env python3
"""W8: the 22 TPC-H queries from Parquet, Sluice (`sluice query`) beside DuckDB and Polars (its SQL context), each
engine as its own process, one query at a time; every answer is checked against DuckDB's.

    benchmarks/tpch.py --scale 1                     # generate SF1 with tpchgen-cli when missing, run all 22
    benchmarks/tpch.py --scale 0.1 --queries 1,6     # a quick look
    benchmarks/tpch.py --engines sluice,duckdb --sluice .build/release/sluice --out benchmarks/results/x.md

Needs the test venv (DuckDB, Polars, pyarrow) and tpchgen-cli (`pip install tpchgen-cli`). Data goes to
benchmarks/data/tpch-sf<scale>/ (git-ignored). Wall time and peak RSS are the whole process's, measured with
os.wait4. Exit status 1 when a Sluice answer differs from DuckDB's; a query an engine does not support is reported
in the table, not an error.
"""
import argparse
import datetime
import decimal
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "benchmarks" / "tpch" / "queries"
TABLES = ["customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"]

PEER = r"""
import datetime, decimal, json, math, sys
engine, data, path = sys.argv[1], sys.argv[2], sys.argv[3]
tables = sys.argv[4].split(",")
sql = open(path).read()
def cell(v):
    if v is None: return None
    if isinstance(v, bool): return v
    if isinstance(v, int): return v
    if isinstance(v, float): return None if math.isnan(v) else v
    if isinstance(v, decimal.Decimal): return float(v)
    if isinstance(v, (datetime.date, datetime.datetime)): return v.isoformat()
    return str(v)
if engine == "duckdb":
    import duckdb
    con = duckdb.connect()
    for t in tables:
        con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{data}/{t}.parquet')")
    rows = con.execute(sql).fetchall()
else:
    import polars as pl
    ctx = pl.SQLContext({t: pl.scan_parquet(f"{data}/{t}.parquet") for t in tables})
    frame = ctx.execute(sql).collect()
    rows = frame.rows()
print(json.dumps([[cell(v) for v in row] for row in rows]))
"""


def run(command):
    """Runs `command`; returns (status, stdout, stderr, wall seconds, peak RSS in MB)."""
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = process.communicate()
    wall = time.monotonic() - started
    # communicate() reaped it; the peak RSS of the child comes from wait4 in a wrapper instead.
    return process.returncode, out, err, wall


def measured(command):
    """Like run(), through /usr/bin/time for the peak RSS (KB)."""
    wrapped = ["/usr/bin/time", "-f", "__RSS__%M", *command]
    status, out, err, wall = run(wrapped)
    rss = None
    lines = []
    for line in err.splitlines():
        if line.startswith("__RSS__"):
            rss = int(line[len("__RSS__"):]) / 1024
        else:
            lines.append(line)
    return status, out, "\n".join(lines), wall, rss


def sluice_rows(text):
    rows = []
    for line in text.splitlines():
        if line.strip():
            rows.append(list(json.loads(line).values()))
    return rows


def normalise(value):
    if isinstance(value, str):
        # Dates and timestamps print alike in every engine once the T is a space.
        return value.replace("T", " ")
    return value


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    return normalise(a) == normalise(b)


def compare(mine, theirs, ordered):
    if len(mine) != len(theirs):
        return f"{len(mine)} rows, DuckDB {len(theirs)}"
    if not ordered:
        key = lambda row: json.dumps([round(v, 6) if isinstance(v, float) else v for v in row], default=str)
        mine, theirs = sorted(mine, key=key), sorted(theirs, key=key)
    for index, (x, y) in enumerate(zip(mine, theirs)):
        if len(x) != len(y) or not all(same(p, q) for p, q in zip(x, y)):
            return f"row {index}: {x} vs DuckDB {y}"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="1")
    parser.add_argument("--queries", default=",".join(str(i) for i in range(1, 23)))
    parser.add_argument("--engines", default="sluice,duckdb,polars")
    parser.add_argument("--sluice", default=str(ROOT / ".build" / "release" / "sluice"))
    parser.add_argument("--data")
    parser.add_argument("--memory-limit", default="4GB")
    parser.add_argument("--out", help="also write the table to this Markdown file")
    args = parser.parse_args()
    data = Path(args.data or ROOT / "benchmarks" / "data" / f"tpch-sf{args.scale}")
    if not (data / "lineitem.parquet").exists():
        data.mkdir(parents=True, exist_ok=True)
        generator = Path(sys.executable).parent / "tpchgen-cli"
        subprocess.run([str(generator), "parquet", "-s", args.scale, f"--output-dir={data}"], check=True)
    catalog = data / "catalog.json"
    catalog.write_text(json.dumps({
        "default_database": "tpch",
        "databases": {"tpch": {"tables": {t: {"format": "parquet", "path": str(data / f"{t}.parquet")}
                                          for t in TABLES}}},
    }))
    engines = args.engines.split(",")
    rows = []
    failed = False
    for number in [int(q) for q in args.queries.split(",")]:
        path = QUERIES / f"q{number:02d}.sql"
        ordered = "order by" in path.read_text().lower()
        results = {}
        for engine in ["duckdb"] + [e for e in engines if e != "duckdb"]:
            if engine == "sluice":
                command = [args.sluice, "query", "-f", str(path), "--catalog", str(catalog), "--format", "jsonl",
                           "--memory-limit", args.memory_limit]
            else:
                command = [sys.executable, "-c", PEER, engine, str(data), str(path), ",".join(TABLES)]
            status, out, err, wall, rss = measured(command)
            if status != 0:
                message = (err.strip().splitlines() or ["failed"])[0]
                results[engine] = {"error": message[:160]}
                continue
            answer = sluice_rows(out) if engine == "sluice" else json.loads(out)
            results[engine] = {"rows": answer, "wall": wall, "rss": rss}
        reference = results.get("duckdb", {}).get("rows")
        line = {"query": f"Q{number}"}
        for engine in engines:
            result = results.get(engine, {})
            if "error" in result:
                line[engine] = f"not run: {result['error']}"
                continue
            check = "" if engine == "duckdb" or reference is None else compare(result["rows"], reference, ordered)
            if check and engine == "sluice":
                failed = True
            line[engine] = f"{result['wall']:.2f} s, {result['rss']:.0f} MB" + (f" (DIFFERS: {check})" if check else "")
            line[engine + "_wall"] = result["wall"]
        if "sluice_wall" in line and "duckdb_wall" in line:
            line["ratio"] = f"{line['sluice_wall'] / line['duckdb_wall']:.2f}x"
        rows.append(line)
        print(json.dumps({k: v for k, v in line.items() if not k.endswith("_wall")}), flush=True)
    header = "| query | " + " | ".join(engines) + " | Sluice / DuckDB |\n|---|" + "---|" * (len(engines) + 1) + "\n"
    table = header + "".join(
        f"| {line['query']} | " + " | ".join(line.get(e, "") for e in engines) + f" | {line.get('ratio', '')} |\n"
        for line in rows
    )
    print(table)
    if args.out:
        Path(args.out).write_text(
            f"# W8: TPC-H SF{args.scale} from Parquet ({datetime.date.today()}, 2 cores)\n\n"
            "Each cell: the engine's whole process, wall time and peak RSS; answers checked against DuckDB's.\n\n"
            + table
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
