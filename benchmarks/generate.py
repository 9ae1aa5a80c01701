#!/usr/bin/env python3
"""Deterministic benchmark data for Sluice.

    generate.py sales       --rows N --out FILE.csv   [--seed S]
    generate.py marketing   --rows N --out FILE.csv   [--seed S]
    generate.py join-inputs --rows N --out DIR        [--seed S] [--shape S] [--writer W] [--row-group-rows N]
                                                      [--no-statistics]

All data is computed by DuckDB SQL from the row number and the seed with a fixed integer hash (lowbias32), so the
same arguments always give byte-identical files, independent of thread count and DuckDB's own random functions.

* sales: the 12 columns of samples/SalesPipeline_QuickSightSample.csv, in its formats (M/d/yyyy dates over six
  years 2011-2016 in ascending order, TRUE/FALSE, integers). One row in eight has a salesperson written
  "Last, First", a quoted field holding a comma. About 94 bytes a row, as the sample; 10M rows is about 945 MB.
* marketing: the 19 columns of samples/MarketingData_QuickSightSample.csv (the header is copied byte for byte,
  including the trailing space in "Mailing list adds "). Dates cycle through 2000-01-01 .. 2099-12-31, so at more
  than 36,524 rows they repeat. Events is empty in about 45% of rows; some events hold a comma (quoted).
* join-inputs: DIR/psd/part-00000.parquet (date, forecasted_lead_revenue, leads_generated) and
  DIR/pmd/part-00000.parquet (date + the 18 pmd columns), Snappy, DATE typed. Each side has N unique dates in
  shuffled order; the left holds day numbers [0, N), the right [N/5, N/5 + N), so 80% of the keys match. Day 0
  is 1970-01-01; 10M days reach the year 29349, which Parquet DATE (int32 days), DuckDB, Polars and pyarrow hold.
  Other shapes of the same two tables (--shape; issue 16):
    duplicates  each day 1-20 times on both sides (N * 2/21 days a side, 80% shared): a many-to-many join with about
                8.4 output rows per input row;
    zipf        the left's days skewed: one day holds 10% of the rows, the rest follow a power law; the right is
                unique, and every left row matches;
    uuid        the unique shape plus visitor_id, a UUID-like string that is distinct in every row, on the right;
    wide        the right has 60 columns (date, metric_01 .. metric_58, events).
  --writer duckdb (the default; row groups of 1,048,576 rows), pyarrow or polars (each with its own defaults for row
  groups, pages and dictionaries); --row-group-rows and --no-statistics (pyarrow, polars) override them.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
import time

import duckdb

MASK32 = 4294967296

# lowbias32 (Chris Wellons) over (i + k * golden) mod 2^32, in UBIGINT so products never overflow.
MACROS = f"""
CREATE OR REPLACE MACRO xs(x, s) AS xor(x, x >> s);
CREATE OR REPLACE MACRO rnd(i, k) AS
    xs((xs((xs((((i)::UBIGINT + (k)::UBIGINT * 2654435769) % {MASK32}), 16) * 2146121005) % {MASK32}, 15)
        * 2221713035) % {MASK32}, 16);
"""

SALES_HEADER = (
    "Date,Salesperson,Lead Name,Segment,Region,Target Close,Forecasted Monthly Revenue,Opportunity Stage,"
    "Weighted Revenue,Closed Opportunity,Active Opportunity,Latest Status Entry"
)

MARKETING_HEADER = (
    "Date,New visitors SEO,New visitors CPC,New visitors Social Media,Return visitors,Twitter mentions,"
    "Twitter follower adds,Twitter followers cumulative,Mailing list adds ,Mailing list cumulative,"
    "Website Pageviews,Website Visits,Website Unique Visits,Mobile uniques,Tablet uniques,Desktop uniques,"
    "Free sign up,Paid conversion,Events"
)

PMD_COLUMNS = [
    "new_visitors_seo",
    "new_visitors_cpc",
    "new_visitors_social_media",
    "return_visitors",
    "twitter_mentions",
    "twitter_follower_adds",
    "twitter_followers_cumulative",
    "mailing_list_adds",
    "mailing_list_cumulative",
    "website_pageviews",
    "website_visits",
    "website_unique_visits",
    "mobile_uniques",
    "tablet_uniques",
    "desktop_uniques",
    "free_sign_up",
    "paid_conversion",
]

# (low, span) per marketing count column, roughly the sample's ranges; twitter_follower_adds may be negative.
MARKETING_RANGES = [
    (1600, 60000),
    (250, 20000),
    (40, 9000),
    (160, 40000),
    (0, 8),
    (-2, 20),
    (180, 7000),
    (0, 30),
    (1800, 10000),
    (25000, 1000000),
    (8000, 170000),
    (2000, 110000),
    (200, 28000),
    (400, 17000),
    (1400, 66000),
    (450, 190000),
    (20, 32000),
]

SALESPEOPLE = [
    "Gerri Hinds", "David King", "James Swanger", "Jennifer Weidman", "Anne Smith", "Victor Burk", "Walter Landfair",
    "Gerri Hinds", "David King", "James Swanger", "Jennifer Weidman", "Anne Smith", "Victor Burk", "Walter Landfair",
    "Burk, Victor", "Smith, Anne",
]  # fmt: skip

EVENTS = [
    "2013 CPC campaign", "2016 CPC campaign", "New mobile site promo", "New website promo", "SEO optimization v1",
    "SEO optimization v2", "Targeted outreach campaign", "Tech news features", "Webinar, EMEA", "Trade show, US",
]  # fmt: skip


def sql_list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    for statement in MACROS.strip().split(";"):
        if statement.strip():
            con.execute(statement)
    return con


def check_header(path: pathlib.Path, expected: str) -> None:
    with open(path, "rb") as f:
        first = f.readline().rstrip(b"\r\n").decode()
    if first != expected:
        raise SystemExit(f"generate.py: {path}: header is {first!r}, expected {expected!r}")


def generate_sales(rows: int, out: pathlib.Path, seed: int) -> None:
    k = seed * 100
    days = 2191  # 2011-01-01 .. 2016-12-31
    stage = f"(rnd(i, {k + 5}) % 1000)"
    stage_name = f"""CASE WHEN {stage} < 435 THEN 'Lead' WHEN {stage} < 815 THEN 'Closed Lost'
        WHEN {stage} < 911 THEN 'Prospect' WHEN {stage} < 944 THEN 'Contracting'
        WHEN {stage} < 973 THEN 'Closed Won' ELSE 'Qualified' END"""
    region = f"(rnd(i, {k + 2}) % 100)"
    segment = f"(rnd(i, {k + 3}) % 100)"
    query = f"""
    WITH base AS (
        SELECT i, DATE '2011-01-01' + CAST((i * {days}) // {rows} AS INTEGER) AS d, {stage_name} AS stage,
            CASE WHEN {region} < 61 THEN 'US' WHEN {region} < 87 THEN 'EMEA' ELSE 'APAC' END AS region,
            CASE WHEN {segment} < 50 THEN 'SMB' WHEN {segment} < 84 THEN 'Enterprise' ELSE 'Startup' END AS segment
        FROM range({rows}) t(i)
    ), priced AS (
        SELECT *, CASE WHEN stage = 'Closed Lost' THEN 0 ELSE 1000 + CAST(rnd(i, {k + 6}) % 600000 AS BIGINT) END
            AS revenue,
            CASE stage WHEN 'Lead' THEN 0.1 WHEN 'Prospect' THEN 0.2 WHEN 'Qualified' THEN 0.4
                WHEN 'Contracting' THEN 0.6 WHEN 'Closed Won' THEN 1.0 ELSE 0.0 END AS weight,
            stage IN ('Closed Lost', 'Closed Won') AS closed
        FROM base
    )
    SELECT
        strftime(d, '%-m/%-d/%Y') AS "Date",
        {sql_list(SALESPEOPLE)}[1 + CAST(rnd(i, {k + 1}) % {len(SALESPEOPLE)} AS INTEGER)] AS "Salesperson",
        region || '_' || segment || '_' || CAST(1 + rnd(i, {k + 4}) % 4000 AS VARCHAR) AS "Lead Name",
        segment AS "Segment",
        region AS "Region",
        strftime(CASE WHEN closed THEN d ELSE d + CAST(7 + rnd(i, {k + 7}) % 300 AS INTEGER) END, '%-m/%-d/%Y')
            AS "Target Close",
        revenue AS "Forecasted Monthly Revenue",
        stage AS "Opportunity Stage",
        CAST(round(revenue * weight) AS BIGINT) AS "Weighted Revenue",
        CASE WHEN closed THEN 'TRUE' ELSE 'FALSE' END AS "Closed Opportunity",
        CASE WHEN stage IN ('Prospect', 'Qualified', 'Contracting') THEN 'TRUE' ELSE 'FALSE' END
            AS "Active Opportunity",
        CASE WHEN stage = 'Lead' OR rnd(i, {k + 8}) % 2 = 0 THEN 'FALSE' ELSE 'TRUE' END AS "Latest Status Entry"
    FROM priced  -- range() is ordered and preserve_insertion_order keeps that order in COPY
    """
    copy_csv(query, out)
    check_header(out, SALES_HEADER)


def generate_marketing(rows: int, out: pathlib.Path, seed: int) -> None:
    k = seed * 100 + 50
    names = MARKETING_HEADER.split(",")
    columns = [f"strftime(DATE '2000-01-01' + CAST(i % 36524 AS INTEGER), '%-m/%-d/%Y') AS \"{names[0]}\""]
    for n, (low, span) in enumerate(MARKETING_RANGES):
        columns.append(f'{low} + CAST(rnd(i, {k + n}) % {span} AS BIGINT) AS "{names[n + 1]}"')
    event = f"rnd(i, {k + 40}) % 100"
    columns.append(
        f"CASE WHEN {event} < 45 THEN NULL ELSE {sql_list(EVENTS)}[1 + CAST(rnd(i, {k + 41}) % {len(EVENTS)} AS INTEGER)]"
        f' END AS "{names[-1]}"'
    )
    query = f"SELECT {', '.join(columns)} FROM range({rows}) t(i)"
    copy_csv(query, out)
    check_header(out, MARKETING_HEADER)


def copy_csv(query: str, out: pathlib.Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    con = connect()
    con.execute(f"COPY ({query}) TO '{tmp}' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"')")
    os.replace(tmp, out)


JOIN_SHAPES = ["unique", "duplicates", "zipf", "uuid", "wide"]
WRITERS = ["duckdb", "pyarrow", "polars"]
WIDE_COLUMNS = 58  # date + 58 integers + events = 60 columns on the right


def join_keys(shape: str, rows: int, side: str, k: int) -> str:
    """A query of (i, day): i a unique row number the values are hashed from, day the join key's day number."""
    offset = rows // 5
    if shape == "duplicates":
        # Each day 1-20 times (10.5 on average) on both sides: a many-to-many join, about 8.4 output rows per input row.
        days = max(1, rows * 2 // 21)
        base = 0 if side == "psd" else days // 5
        return f"""
            SELECT d * 32 + r AS i, d AS day FROM (
                SELECT d, unnest(range(CAST(1 + rnd(d, {k + 5 if side == "psd" else k + 6}) % 20 AS BIGINT))) AS r
                FROM (SELECT i + {base} AS d FROM range({days}) t(i)))"""
    if shape == "zipf" and side == "psd":
        # One day holds 10% of the rows; the others follow a power law (day offset + 1 + r has weight ~ 1/(r + 1), so
        # the next hottest holds about 4%), and every one of them is among the right side's days.
        return f"""
            SELECT i, CASE WHEN rnd(i, {k + 4}) % 10 = 0 THEN {offset}
                ELSE {offset} + CAST(floor(exp(rnd(i, {k + 5}) / {MASK32}.0 * ln({rows}))) AS BIGINT) END AS day
            FROM range({rows}) t(i)"""
    if side == "psd":
        return f"SELECT i, i AS day FROM range({rows}) t(i)"
    return f"SELECT i + {offset} AS i, i + {offset} AS day FROM range({rows}) t(i)"


def generate_join_inputs(rows: int, out: pathlib.Path, seed: int, shape: str = "unique", writer: str = "duckdb",
                         row_group_rows: int | None = None, statistics: bool = True) -> None:  # fmt: skip
    k = seed * 100 + 80
    con = connect()
    (out / "psd").mkdir(parents=True, exist_ok=True)
    (out / "pmd").mkdir(parents=True, exist_ok=True)
    left = f"""
        SELECT DATE '1970-01-01' + CAST(day AS INTEGER) AS date,
            CAST(rnd(i, {k}) % 5000000 AS BIGINT) AS forecasted_lead_revenue,
            CAST(1 + rnd(i, {k + 1}) % 20 AS BIGINT) AS leads_generated
        FROM ({join_keys(shape, rows, "psd", k)}) ORDER BY rnd(i, {k + 2}), i
    """
    columns = ["DATE '1970-01-01' + CAST(day AS INTEGER) AS date"]
    if shape == "wide":
        for n in range(WIDE_COLUMNS):
            low, span = MARKETING_RANGES[n % len(MARKETING_RANGES)]
            columns.append(f"{low} + CAST(rnd(i, {k + 100 + n}) % {span} AS BIGINT) AS metric_{n + 1:02d}")
    else:
        for n, (name, (low, span)) in enumerate(zip(PMD_COLUMNS, MARKETING_RANGES)):
            columns.append(f"{low} + CAST(rnd(i, {k + 10 + n}) % {span} AS BIGINT) AS {name}")
    event = f"rnd(i, {k + 40}) % 100"
    columns.append(
        f"CASE WHEN {event} < 45 THEN NULL ELSE {sql_list(EVENTS)}[1 + CAST(rnd(i, {k + 41}) % {len(EVENTS)} AS INTEGER)]"
        " END AS events"
    )
    if shape == "uuid":
        columns.append(
            f"printf('%08x-%04x-%04x-%04x-%08x%04x', rnd(i, {k + 60}), rnd(i, {k + 61}) % 65536, "
            f"16384 + rnd(i, {k + 62}) % 4096, 32768 + rnd(i, {k + 63}) % 16384, rnd(i, {k + 64}), "
            f"rnd(i, {k + 65}) % 65536) AS visitor_id"
        )
    right = f"SELECT {', '.join(columns)} FROM ({join_keys(shape, rows, 'pmd', k)}) ORDER BY rnd(i, {k + 3}), i"
    for side, query in (("psd", left), ("pmd", right)):
        target = out / side / "part-00000.parquet"
        tmp = target.with_name("part-00000.parquet.tmp")
        write_parquet(con, query, tmp, writer, row_group_rows, statistics)
        os.replace(tmp, target)


def write_parquet(con: duckdb.DuckDBPyConnection, query: str, path: pathlib.Path, writer: str,
                  row_group_rows: int | None, statistics: bool) -> None:  # fmt: skip
    """Writes the query's rows as Snappy Parquet with DuckDB, pyarrow or Polars (each with its own defaults for
    row groups, pages, dictionaries and statistics unless --row-group-rows / --no-statistics say otherwise)."""
    if writer == "duckdb":
        if not statistics:
            raise SystemExit("generate.py: --no-statistics needs --writer pyarrow or polars")
        options = f"FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE {row_group_rows or 1048576}"
        con.execute(f"COPY ({query}) TO '{path}' ({options})")
        return
    table = con.sql(query).to_arrow_table()
    if writer == "pyarrow":
        import pyarrow.parquet as pq

        pq.write_table(table, str(path), compression="snappy", row_group_size=row_group_rows,
                       write_statistics=statistics)  # fmt: skip
    else:
        import polars as pl

        pl.from_arrow(table).write_parquet(str(path), compression="snappy", row_group_size=row_group_rows,
                                           statistics=statistics)  # fmt: skip


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["sales", "marketing", "join-inputs"])
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--out", type=pathlib.Path, required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--shape", choices=JOIN_SHAPES, default="unique", help="join-inputs: the keys and columns")
    parser.add_argument("--writer", choices=WRITERS, default="duckdb", help="join-inputs: who writes the Parquet")
    parser.add_argument("--row-group-rows", type=int, help="join-inputs: rows per row group (the writer's default)")
    parser.add_argument("--no-statistics", action="store_true", help="join-inputs: write no column statistics")
    args = parser.parse_args(argv)
    if args.kind != "join-inputs" and (args.shape != "unique" or args.writer != "duckdb" or args.row_group_rows
                                       or args.no_statistics):  # fmt: skip
        parser.error("--shape, --writer, --row-group-rows and --no-statistics are for join-inputs")
    if args.rows <= 0:
        parser.error("--rows must be positive")
    start = time.perf_counter()
    if args.kind == "join-inputs":
        generate_join_inputs(args.rows, args.out, args.seed, args.shape, args.writer, args.row_group_rows,
                             not args.no_statistics)  # fmt: skip
    else:
        {"sales": generate_sales, "marketing": generate_marketing}[args.kind](args.rows, args.out, args.seed)
    elapsed = time.perf_counter() - start
    print(f"generated {args.kind} {args.rows} rows -> {args.out} in {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
