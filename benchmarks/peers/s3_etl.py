#!/usr/bin/env python3
"""psd and jmsd read from and written to S3, in Polars or pyarrow, for benchmarks/s3.py (W6, W7).

    s3_etl.py polars|pyarrow psd  --input sales=s3://B/KEY.csv --output s3://B/PREFIX
    s3_etl.py polars|pyarrow jmsd --input psd=s3://B/PREFIX --input pmd=s3://B/PREFIX --output s3://B/PREFIX

The endpoint, credentials and region come from AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
AWS_REGION, as for Sluice. The logic is that of polars_etl.py (Polars) and its equivalent in pyarrow.compute; the
output is one Snappy Parquet file PREFIX/part-00000.parquet (no _SUCCESS marker: the peers have no commit protocol).
"""

from __future__ import annotations

import os
import sys
import urllib.parse

from common import DATE_FORMAT, SALES_COLUMNS

ENDPOINT = os.environ["AWS_ENDPOINT_URL_S3"]
KEY = os.environ["AWS_ACCESS_KEY_ID"]
SECRET = os.environ["AWS_SECRET_ACCESS_KEY"]
REGION = os.environ.get("AWS_REGION", "us-east-1")


def polars_psd(sales: str, output: str) -> None:
    import polars as pl

    options = polars_options()
    types = {"date": pl.String, "string": pl.String, "int64": pl.Int64, "bool": pl.Boolean}
    frame = (
        pl.scan_csv(sales, schema={n: types[t] for n, t in SALES_COLUMNS}, storage_options=options)
        .filter(pl.col("Opportunity Stage") == "Lead")
        .group_by(pl.col("Date").str.to_date(DATE_FORMAT).alias("date"))
        .agg(
            pl.col("Forecasted Monthly Revenue").sum().cast(pl.Int64).alias("forecasted_lead_revenue"),
            pl.len().cast(pl.Int64).alias("leads_generated"),
        )
        .sort("date")
    )
    frame.sink_parquet(f"{output}/part-00000.parquet", compression="snappy", storage_options=options)


def polars_jmsd(left: str, right: str, output: str) -> None:
    import polars as pl

    options = polars_options()
    lframe = pl.scan_parquet(f"{left}/*.parquet", storage_options=options)
    lframe = lframe.select("date", "forecasted_lead_revenue", "leads_generated")
    rframe = pl.scan_parquet(f"{right}/*.parquet", storage_options=options)
    rcolumns = [c for c in rframe.collect_schema().names() if c != "date"]
    frame = (
        lframe.join(rframe, on="date", how="inner")
        .select("date", "forecasted_lead_revenue", "leads_generated", *rcolumns)
        .sort("date")
    )
    frame.sink_parquet(f"{output}/part-00000.parquet", compression="snappy", storage_options=options)


def polars_options() -> dict[str, str]:
    return {
        "aws_endpoint_url": ENDPOINT, "aws_access_key_id": KEY, "aws_secret_access_key": SECRET,
        "aws_region": REGION, "aws_allow_http": "true",
    }  # fmt: skip


def arrow_fs():
    from pyarrow import fs

    url = urllib.parse.urlsplit(ENDPOINT)
    return fs.S3FileSystem(
        access_key=KEY, secret_key=SECRET, region=REGION, scheme=url.scheme, endpoint_override=url.netloc
    )


def strip(url: str) -> str:
    return url.removeprefix("s3://").rstrip("/")


def pyarrow_psd(sales: str, output: str) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as csv
    import pyarrow.parquet as pq

    s3 = arrow_fs()
    types = {"date": pa.string(), "string": pa.string(), "int64": pa.int64(), "bool": pa.bool_()}
    convert = csv.ConvertOptions(
        column_types={n: types[t] for n, t in SALES_COLUMNS},
        include_columns=["Date", "Forecasted Monthly Revenue", "Opportunity Stage"],
        true_values=["TRUE"], false_values=["FALSE"],
    )  # fmt: skip
    with s3.open_input_stream(strip(sales)) as f:
        table = csv.read_csv(f, convert_options=convert)
    table = table.filter(pc.equal(table["Opportunity Stage"], "Lead"))
    dates = pc.cast(pc.strptime(table["Date"], format=DATE_FORMAT, unit="s"), pa.date32())
    table = pa.table({"date": dates, "revenue": table["Forecasted Monthly Revenue"]})
    grouped = table.group_by("date").aggregate([("revenue", "sum"), ("revenue", "count")])
    result = pa.table({
        "date": grouped["date"],
        "forecasted_lead_revenue": pc.cast(grouped["revenue_sum"], pa.int64()),
        "leads_generated": pc.cast(grouped["revenue_count"], pa.int64()),
    }).sort_by("date")  # fmt: skip
    pq.write_table(result, f"{strip(output)}/part-00000.parquet", filesystem=s3, compression="snappy")


def pyarrow_jmsd(left: str, right: str, output: str) -> None:
    import pyarrow.parquet as pq

    s3 = arrow_fs()
    ltable = pq.read_table(strip(left), filesystem=s3, columns=["date", "forecasted_lead_revenue", "leads_generated"])
    rtable = pq.read_table(strip(right), filesystem=s3)
    rcolumns = [c for c in rtable.column_names if c != "date"]
    joined = ltable.join(rtable, keys="date", join_type="inner")
    joined = joined.select(["date", "forecasted_lead_revenue", "leads_generated", *rcolumns]).sort_by("date")
    pq.write_table(joined, f"{strip(output)}/part-00000.parquet", filesystem=s3, compression="snappy")


def main(argv: list[str]) -> int:
    engine, _run, job, *rest = argv
    inputs: dict[str, str] = {}
    output = ""
    it = iter(rest)
    for arg in it:
        if arg == "--input":
            name, _, value = next(it).partition("=")
            inputs[name] = value.rstrip("/")
        elif arg == "--output":
            output = next(it).rstrip("/")
        elif arg == "--codec":
            next(it)
    if job == "psd":
        {"polars": polars_psd, "pyarrow": pyarrow_psd}[engine](inputs["sales"], output)
    else:
        {"polars": polars_jmsd, "pyarrow": pyarrow_jmsd}[engine](inputs["psd"], inputs["pmd"], output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
