#!/usr/bin/env python3
"""The seed's jobs (psd, pmd, jmsd) in DuckDB, with Sluice's command line. See common.py."""

from __future__ import annotations

import sys

import duckdb

from common import (
    DATE_FORMAT, MARKETING_COLUMNS, SALES_COLUMNS, SAMPLE_MARKETING, SAMPLE_SALES, mark_success, normalize,
    parquet_files, parse_args, prepare_output,
)  # fmt: skip

TYPES = {"date": "DATE", "string": "VARCHAR", "int64": "BIGINT", "bool": "BOOLEAN"}


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def read_csv(path: str, columns: list[tuple[str, str]]) -> str:
    spec = ", ".join(f"{lit(n)}: {lit(TYPES[t])}" for n, t in columns)
    return (
        f"read_csv({lit(path)}, header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
        f"dateformat = {lit(DATE_FORMAT)}, columns = {{{spec}}})"
    )


def copy_to(con: duckdb.DuckDBPyConnection, query: str, output: str, codec: str) -> None:
    out = prepare_output(output)
    con.execute(f"COPY ({query}) TO {lit(str(out / 'part-00000.parquet'))} (FORMAT parquet, COMPRESSION {codec})")
    mark_success(out)


def psd(con: duckdb.DuckDBPyConnection, sales: str, output: str, codec: str) -> None:
    query = f"""
        SELECT "Date" AS date,
            CAST(sum("Forecasted Monthly Revenue") AS BIGINT) AS forecasted_lead_revenue,
            CAST(count(*) AS BIGINT) AS leads_generated
        FROM {read_csv(sales, SALES_COLUMNS)}
        WHERE "Opportunity Stage" = 'Lead'
        GROUP BY "Date" ORDER BY date"""
    copy_to(con, query, output, codec)


def pmd(con: duckdb.DuckDBPyConnection, marketing: str, output: str, codec: str) -> None:
    select = ", ".join(f"{q(n)} AS {q(normalize(n))}" for n, _ in MARKETING_COLUMNS)
    copy_to(con, f"SELECT {select} FROM {read_csv(marketing, MARKETING_COLUMNS)}", output, codec)


def jmsd(con: duckdb.DuckDBPyConnection, left: str, right: str, output: str, codec: str) -> None:
    lfiles = "[" + ", ".join(lit(f) for f in parquet_files(left)) + "]"
    rfiles = "[" + ", ".join(lit(f) for f in parquet_files(right)) + "]"
    query = f"""
        SELECT l.date, l.forecasted_lead_revenue, l.leads_generated, r.* EXCLUDE (date)
        FROM read_parquet({lfiles}) l JOIN read_parquet({rfiles}) r ON l.date = r.date
        ORDER BY l.date"""
    copy_to(con, query, output, codec)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    con = duckdb.connect()
    if args.command == "pipeline":
        root = args.output.rstrip("/")
        psd(con, str(SAMPLE_SALES), f"{root}/psd", args.codec)
        pmd(con, str(SAMPLE_MARKETING), f"{root}/pmd", args.codec)
        jmsd(con, f"{root}/psd", f"{root}/pmd", f"{root}/jmsd", args.codec)
        return 0
    if args.memory_limit:
        con.execute(f"SET memory_limit = {lit(args.memory_limit)}")
        con.execute(f"SET temp_directory = {lit(args.output.rstrip('/') + '.spill')}")
    if args.job == "psd":
        psd(con, args.inputs["sales"], args.output, args.codec)
    elif args.job == "pmd":
        pmd(con, args.inputs["marketing"], args.output, args.codec)
    else:
        jmsd(con, args.inputs["psd"], args.inputs["pmd"], args.output, args.codec)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
