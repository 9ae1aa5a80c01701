"""Test peer for Sluice's S3 datasets: pyarrow (pyarrow.fs.S3FileSystem) and Polars read and write S3 on a moto
server, and boto3 inspects it. Commands (the endpoint and credentials come from AWS_ENDPOINT_URL_S3 and the usual
AWS_* variables):

  compare BUCKET PREFIX LOCAL_DATASET   read the S3 dataset PREFIX (exactly the files its _SUCCESS manifest names)
                                        with pyarrow and with Polars, and the local dataset with pyarrow; print JSON
                                        {"rows", "pyarrow_equal", "polars_equal", "files"}
  write BUCKET PREFIX                   write a small table with pyarrow (PREFIX/pyarrow.parquet) and Polars
                                        (PREFIX/polars.parquet); print the table as JSON rows
  listing BUCKET PREFIX                 print JSON {"keys": [...], "uploads": [...]} of PREFIX
  upload BUCKET KEY FILE                put FILE at KEY with boto3
  wide BUCKET KEY ROWS                  write a 19-column table (a `date` column of distinct dates, 18 random
                                        int64 columns) with pyarrow to KEY; print JSON {"footer", "date_chunk",
                                        "size", "first_dates"}: the footer's bytes (with its length and magic) and
                                        the date column chunk's
  digest BUCKET PREFIX                  print JSON {"files": n, "md5": [...]}: the MD5 of each file the manifest
                                        of PREFIX names, in manifest order
"""
import datetime
import json
import os
import sys

import boto3
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.parquet as pq

endpoint = os.environ["AWS_ENDPOINT_URL_S3"]
region = os.environ.get("AWS_REGION", "us-east-1")
key_id = os.environ["AWS_ACCESS_KEY_ID"]
secret = os.environ["AWS_SECRET_ACCESS_KEY"]


def s3():
    return boto3.client("s3", endpoint_url=endpoint, region_name=region)


def arrow_fs():
    scheme, rest = endpoint.split("://", 1)
    return pafs.S3FileSystem(
        endpoint_override=rest, scheme=scheme, access_key=key_id, secret_key=secret, region=region
    )


def polars_options():
    return {
        "aws_endpoint_url": endpoint,
        "aws_access_key_id": key_id,
        "aws_secret_access_key": secret,
        "aws_region": region,
        "aws_allow_http": "true",
    }


def manifest_files(bucket, prefix):
    prefix = prefix.rstrip("/") + "/"
    body = s3().get_object(Bucket=bucket, Key=prefix + "_SUCCESS")["Body"].read()
    manifest = json.loads(body)
    return [prefix + f["name"] for f in manifest["files"]]


def compare(bucket, prefix, local):
    import polars as pl

    keys = manifest_files(bucket, prefix)
    fs = arrow_fs()
    remote = pa.concat_tables([pq.read_table(f"{bucket}/{k}", filesystem=fs) for k in keys])
    here = ds.dataset(local, format="parquet").to_table()
    frames = [pl.read_parquet(f"s3://{bucket}/{k}", storage_options=polars_options()) for k in keys]
    remote_polars = pl.concat(frames)
    local_polars = pl.from_arrow(here)
    print(
        json.dumps(
            {
                "rows": remote.num_rows,
                "pyarrow_equal": remote.equals(here),
                "polars_equal": remote_polars.equals(local_polars),
                "files": keys,
            }
        )
    )


def write(bucket, prefix):
    import polars as pl

    prefix = prefix.rstrip("/") + "/"
    table = pa.table(
        {
            "day": pa.array([datetime.date(2016, 1, d) for d in range(1, 6)], pa.date32()),
            "amount": pa.array([10, None, 30, 40, 50], pa.int64()),
            "name": pa.array(["a", "b", None, "d", "é"], pa.string()),
            "ratio": pa.array([0.5, 1.5, 2.5, None, 4.5], pa.float64()),
        }
    )
    pq.write_table(table, f"{bucket}/{prefix}pyarrow.parquet", filesystem=arrow_fs())
    pl.from_arrow(table).write_parquet(f"s3://{bucket}/{prefix}polars.parquet", storage_options=polars_options())
    rows = [
        {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in row.items()} for row in table.to_pylist()
    ]
    print(json.dumps(rows))


def listing(bucket, prefix):
    client = s3()
    keys = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys += [o["Key"] for o in page.get("Contents", [])]
    uploads = client.list_multipart_uploads(Bucket=bucket, Prefix=prefix).get("Uploads", [])
    print(json.dumps({"keys": sorted(keys), "uploads": [u["Key"] for u in uploads]}))


def upload(bucket, key, path):
    client = s3()
    try:
        client.create_bucket(Bucket=bucket)
    except client.exceptions.BucketAlreadyOwnedByYou:
        pass
    except Exception as error:  # moto answers BucketAlreadyExists in some versions
        if "BucketAlready" not in str(error):
            raise
    client.upload_file(path, bucket, key)


def wide(bucket, key, rows):
    import random

    rows = int(rows)
    rng = random.Random(42)
    days = list(range(rows))
    rng.shuffle(days)
    columns = {"date": pa.array(days, pa.int32()).cast(pa.date32())}
    for i in range(18):
        columns[f"metric_{i:02d}"] = pa.array([rng.getrandbits(62) for _ in range(rows)], pa.int64())
    table = pa.table(columns)
    pq.write_table(table, f"{bucket}/{key}", filesystem=arrow_fs(), write_statistics=True)
    meta = pq.read_metadata(f"{bucket}/{key}", filesystem=arrow_fs())
    date_chunk = sum(meta.row_group(g).column(0).total_compressed_size for g in range(meta.num_row_groups))
    size = s3().head_object(Bucket=bucket, Key=key)["ContentLength"]
    print(
        json.dumps(
            {
                "footer": meta.serialized_size + 8,
                "date_chunk": date_chunk,
                "size": size,
                "row_groups": meta.num_row_groups,
                "first_dates": [d.isoformat() for d in table.column("date").to_pylist()[:3]],
            }
        )
    )


def digest(bucket, prefix):
    import hashlib

    client = s3()
    sums = [hashlib.md5(client.get_object(Bucket=bucket, Key=k)["Body"].read()).hexdigest() for k in manifest_files(bucket, prefix)]
    print(json.dumps({"files": len(sums), "md5": sums}))


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    commands = {"compare": compare, "write": write, "listing": listing, "upload": upload, "wide": wide, "digest": digest}
    commands[command](*args)
