#!/usr/bin/env python3
"""The seed's jobs (psd, pmd, jmsd) in Polars (lazy API), with Sluice's command line. See common.py.

Polars has no memory limit; `--memory-limit` is refused so that no one mistakes a run for a bounded one.
"""

from __future__ import annotations

import sys

import polars as pl

from common import (
    DATE_FORMAT, MARKETING_COLUMNS, SALES_COLUMNS, SAMPLE_MARKETING, SAMPLE_SALES, mark_success, normalize,
    parquet_files, parse_args, prepare_output,
)  # fmt: skip

# Dates are read as strings and parsed with the job's format; booleans TRUE/FALSE are read by Polars itself.
TYPES = {"date": pl.String, "string": pl.String, "int64": pl.Int64, "bool": pl.Boolean}


def scan_csv(path: str, columns: list[tuple[str, str]]) -> pl.LazyFrame:
    schema = {n: TYPES[t] for n, t in columns}
    return pl.scan_csv(path, has_header=True, separator=",", quote_char='"', schema=schema)


def sink(frame: pl.LazyFrame, output: str, codec: str) -> None:
    out = prepare_output(output)
    frame.sink_parquet(out / "part-00000.parquet", compression=codec)
    mark_success(out)


def psd(sales: str, output: str, codec: str) -> None:
    frame = (
        scan_csv(sales, SALES_COLUMNS)
        .filter(pl.col("Opportunity Stage") == "Lead")
        .group_by(pl.col("Date").str.to_date(DATE_FORMAT).alias("date"))
        .agg(
            pl.col("Forecasted Monthly Revenue").sum().cast(pl.Int64).alias("forecasted_lead_revenue"),
            pl.len().cast(pl.Int64).alias("leads_generated"),
        )
        .sort("date")
    )
    sink(frame, output, codec)


def pmd(marketing: str, output: str, codec: str) -> None:
    frame = (
        scan_csv(marketing, MARKETING_COLUMNS)
        .with_columns(pl.col("Date").str.to_date(DATE_FORMAT))
        .rename({n: normalize(n) for n, _ in MARKETING_COLUMNS})
    )
    sink(frame, output, codec)


def jmsd(left: str, right: str, output: str, codec: str) -> None:
    lframe = pl.scan_parquet(parquet_files(left)).select("date", "forecasted_lead_revenue", "leads_generated")
    rframe = pl.scan_parquet(parquet_files(right))
    rcolumns = [c for c in rframe.collect_schema().names() if c != "date"]
    frame = (
        lframe.join(rframe, on="date", how="inner")
        .select("date", "forecasted_lead_revenue", "leads_generated", *rcolumns)
        .sort("date")
    )
    sink(frame, output, codec)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.command == "pipeline":
        root = args.output.rstrip("/")
        psd(str(SAMPLE_SALES), f"{root}/psd", args.codec)
        pmd(str(SAMPLE_MARKETING), f"{root}/pmd", args.codec)
        jmsd(f"{root}/psd", f"{root}/pmd", f"{root}/jmsd", args.codec)
        return 0
    if args.memory_limit:
        print("polars_etl.py: Polars has no memory limit; --memory-limit is not supported", file=sys.stderr)
        return 2
    if args.job == "psd":
        psd(args.inputs["sales"], args.output, args.codec)
    elif args.job == "pmd":
        pmd(args.inputs["marketing"], args.output, args.codec)
    else:
        jmsd(args.inputs["psd"], args.inputs["pmd"], args.output, args.codec)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
