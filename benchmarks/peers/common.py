"""Shared pieces of the peer scripts: the job inputs, the seed's schemas and the pmd rename rule.

The peers mirror Sluice's command line so the runner can drive every engine the same way:

    <peer>.py run psd  --input sales=FILE.csv     --output DIR [--codec snappy]
    <peer>.py run pmd  --input marketing=FILE.csv --output DIR
    <peer>.py run jmsd --input psd=DIR_OR_FILE --input pmd=DIR_OR_FILE --output DIR [--memory-limit 512MB]
    <peer>.py pipeline [--output ROOT]   (psd + pmd on the samples, then jmsd on their outputs)

Each output is a dataset directory holding part-00000.parquet and a _SUCCESS marker, like Sluice's.
"""

from __future__ import annotations

import argparse
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLE_SALES = ROOT / "samples" / "SalesPipeline_QuickSightSample.csv"
SAMPLE_MARKETING = ROOT / "samples" / "MarketingData_QuickSightSample.csv"

# The sales CSV's columns with the types the psd job gives them (Glue's schema, dates typed).
SALES_COLUMNS = [
    ("Date", "date"),
    ("Salesperson", "string"),
    ("Lead Name", "string"),
    ("Segment", "string"),
    ("Region", "string"),
    ("Target Close", "date"),
    ("Forecasted Monthly Revenue", "int64"),
    ("Opportunity Stage", "string"),
    ("Weighted Revenue", "int64"),
    ("Closed Opportunity", "bool"),
    ("Active Opportunity", "bool"),
    ("Latest Status Entry", "bool"),
]

MARKETING_NAMES = [
    "Date", "New visitors SEO", "New visitors CPC", "New visitors Social Media", "Return visitors",
    "Twitter mentions", "Twitter follower adds", "Twitter followers cumulative", "Mailing list adds ",
    "Mailing list cumulative", "Website Pageviews", "Website Visits", "Website Unique Visits", "Mobile uniques",
    "Tablet uniques", "Desktop uniques", "Free sign up", "Paid conversion", "Events",
]  # fmt: skip
MARKETING_COLUMNS = [(n, "date" if n == "Date" else "string" if n == "Events" else "int64") for n in MARKETING_NAMES]

DATE_FORMAT = "%m/%d/%Y"  # accepts M/d/yyyy in both DuckDB and Polars


def normalize(name: str) -> str:
    """The pmd rename rule: trim, lowercase, runs of whitespace become `_`."""
    return re.sub(r"\s+", "_", name.strip().lower())


def parquet_files(path: str) -> list[str]:
    """A dataset directory's part files, or the file itself."""
    p = pathlib.Path(path)
    if p.is_dir():
        files = sorted(str(f) for f in p.glob("*.parquet"))
        if not files:
            raise SystemExit(f"{path}: no .parquet files in the dataset directory")
        return files
    return [str(p)]


def prepare_output(path: str) -> pathlib.Path:
    out = pathlib.Path(path)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*"):
        if old.is_file():
            old.unlink()
    return out


def mark_success(out: pathlib.Path) -> None:
    (out / "_SUCCESS").touch()


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run")
    run.add_argument("job", choices=["psd", "pmd", "jmsd"])
    run.add_argument("--input", action="append", default=[], metavar="NAME=PATH")
    run.add_argument("--output", required=True)
    run.add_argument("--codec", default="snappy")
    run.add_argument("--memory-limit", default=None)
    pipe = sub.add_parser("pipeline")
    pipe.add_argument("--output", default=str(ROOT / "output"))
    pipe.add_argument("--codec", default="snappy")
    args = parser.parse_args(argv)
    if args.command == "run":
        inputs = {}
        for item in args.input:
            name, sep, value = item.partition("=")
            if not sep:
                parser.error(f"--input {item!r}: expected NAME=PATH")
            inputs[name] = value
        expected = {"psd": {"sales"}, "pmd": {"marketing"}, "jmsd": {"psd", "pmd"}}[args.job]
        if set(inputs) != expected:
            parser.error(f"job {args.job} takes inputs {sorted(expected)}, got {sorted(inputs)}")
        args.inputs = inputs
    return args
