"""Test peer for the Parquet reader tests.

  reader_peers.py generate OUTDIR   writes Parquet files with pyarrow, DuckDB and Polars into OUTDIR and, for each
                                    file F.parquet, F.json: pyarrow's reading of it (see dump)
  reader_peers.py dump FILE...      writes FILE.json for each FILE

The JSON holds {"types": [arrow type per column], "names": [...], "columns": [[cell, ...], ...]} where each cell is
null or a canonical string: integers in decimal, floats as the hex of their little-endian IEEE bytes (NaN as
"nan"), booleans as true/false, strings as themselves, binary as hex, dates as days since the epoch, timestamps as
the raw count of their unit, decimals as the unscaled integer.
"""
import datetime
import decimal
import json
import math
import os
import random
import struct
import sys

import pyarrow as pa
import pyarrow.parquet as pq


def canonical(value, arrow_type):
    if value is None:
        return None
    if pa.types.is_boolean(arrow_type):
        return "true" if value else "false"
    if pa.types.is_integer(arrow_type):
        return str(value)
    if pa.types.is_floating(arrow_type):
        if math.isnan(value):
            return "nan"
        # A half is compared as the float it widens to exactly (the reader reads FLOAT16 as float).
        fmt = "<f" if arrow_type in (pa.float32(), pa.float16()) else "<d"
        return struct.pack(fmt, value).hex()
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type) or pa.types.is_string_view(arrow_type):
        return value
    if pa.types.is_binary(arrow_type) or pa.types.is_large_binary(arrow_type) or pa.types.is_fixed_size_binary(arrow_type) or pa.types.is_binary_view(arrow_type):
        return bytes(value).hex()
    if pa.types.is_date32(arrow_type):
        return str((value - datetime.date(1970, 1, 1)).days)
    if pa.types.is_decimal(arrow_type):
        return str(int(value.scaleb(arrow_type.scale)))
    raise TypeError(f"unexpected type {arrow_type}")


def dump(path):
    # INT96 at microseconds, as Spark (and the reader) read it: nanoseconds overflow outside 1677...2262.
    table = pq.read_table(path, coerce_int96_timestamp_unit="us")
    columns = []
    types = []
    for field, column in zip(table.schema, table.columns):
        t = field.type
        if isinstance(t, pa.BaseExtensionType):  # arrow.uuid: compare its storage
            column = pa.chunked_array([c.storage for c in column.chunks], t.storage_type)
            t = t.storage_type
        if pa.types.is_dictionary(t):  # a Categorical column: compare its values
            column = column.cast(t.value_type)
            t = t.value_type
        types.append(str(t))
        if pa.types.is_timestamp(t) or pa.types.is_time(t):
            raw = column.cast(pa.int64() if t.bit_width == 64 else pa.int32()).to_pylist()
            cells = [None if v is None else str(v) for v in raw]
        else:
            cells = [canonical(v, t) for v in column.to_pylist()]
        columns.append(cells)
    out = {"names": table.schema.names, "types": types, "columns": columns, "rows": table.num_rows}
    with open(path + ".json", "w") as f:
        json.dump(out, f)


def sample_table(n, seed, with_nulls=True):
    rnd = random.Random(seed)

    def maybe(values):
        if not with_nulls:
            return values
        return [None if rnd.random() < 0.15 else v for v in values]

    words = ["alpha", "beta", "gamma", "Zürich", "日本語", "", "naïve café", "x" * 40]
    base = datetime.datetime(2009, 3, 1, 0, 1, 0)
    cols = {
        "b": pa.array(maybe([rnd.random() < 0.5 for _ in range(n)]), pa.bool_()),
        "i8": pa.array(maybe([rnd.randint(-128, 127) for _ in range(n)]), pa.int8()),
        "i16": pa.array(maybe([rnd.randint(-32768, 32767) for _ in range(n)]), pa.int16()),
        "i32": pa.array(maybe([rnd.randint(-2**31, 2**31 - 1) for _ in range(n)]), pa.int32()),
        "i64": pa.array(maybe([rnd.randint(-2**63, 2**63 - 1) for _ in range(n)]), pa.int64()),
        "u8": pa.array(maybe([rnd.randint(0, 255) for _ in range(n)]), pa.uint8()),
        "u16": pa.array(maybe([rnd.randint(0, 65535) for _ in range(n)]), pa.uint16()),
        "u32": pa.array(maybe([rnd.randint(0, 2**32 - 1) for _ in range(n)]), pa.uint32()),
        "u64": pa.array(maybe([rnd.randint(0, 2**64 - 1) for _ in range(n)]), pa.uint64()),
        "f32": pa.array(maybe([rnd.uniform(-1e6, 1e6) if i % 97 else float("nan") for i in range(n)]), pa.float32()),
        "f64": pa.array(maybe([rnd.uniform(-1e12, 1e12) if i % 89 else float("inf") for i in range(n)]), pa.float64()),
        "s": pa.array(maybe([rnd.choice(words) + str(rnd.randint(0, 50)) for _ in range(n)]), pa.string()),
        "bin": pa.array(maybe([bytes(rnd.randint(0, 255) for _ in range(rnd.randint(0, 9))) for _ in range(n)]), pa.binary()),
        "fixed": pa.array(maybe([bytes(rnd.randint(0, 255) for _ in range(4)) for _ in range(n)]), pa.binary(4)),
        "date": pa.array(maybe([datetime.date(1970, 1, 1) + datetime.timedelta(days=rnd.randint(-20000, 30000)) for _ in range(n)]), pa.date32()),
        "ts_ms": pa.array(maybe([base + datetime.timedelta(milliseconds=rnd.randint(-10**11, 10**11)) for _ in range(n)]), pa.timestamp("ms")),
        "ts_us_utc": pa.array(maybe([base + datetime.timedelta(microseconds=rnd.randint(-10**14, 10**14)) for _ in range(n)]), pa.timestamp("us", tz="UTC")),
        "ts_ns": pa.array(maybe([rnd.randint(-10**18, 10**18) for _ in range(n)]), pa.timestamp("ns")),
        "dec7": pa.array(maybe([decimal.Decimal(rnd.randint(-10**7 + 1, 10**7 - 1)).scaleb(-2) for _ in range(n)]), pa.decimal128(7, 2)),
        "dec15": pa.array(maybe([decimal.Decimal(rnd.randint(-10**15 + 1, 10**15 - 1)).scaleb(-3) for _ in range(n)]), pa.decimal128(15, 3)),
        "dec30": pa.array(maybe([decimal.Decimal(rnd.randint(-10**30 + 1, 10**30 - 1)).scaleb(-5) for _ in range(n)]), pa.decimal128(30, 5)),
        "req": pa.array([rnd.randint(0, 1000) for _ in range(n)], pa.int64()),
        "lowcard": pa.array(maybe([rnd.choice(words) for _ in range(n)]), pa.string()),
    }
    schema = pa.schema([pa.field(k, v.type, nullable=(k != "req")) for k, v in cols.items()])
    return pa.Table.from_arrays(list(cols.values()), schema=schema)


def generate(outdir):
    files = []

    def write(name, table, **kwargs):
        path = os.path.join(outdir, name + ".parquet")
        pq.write_table(table, path, **kwargs)
        files.append(path)

    table = sample_table(2500, 1)
    for page_version in ["1.0", "2.0"]:
        for codec in ["none", "snappy", "gzip", "zstd"]:
            for dictionary in [True, False]:
                name = f"pyarrow-v{page_version[0]}-{codec}-{'dict' if dictionary else 'plain'}"
                write(name, table, data_page_version=page_version, compression=codec, use_dictionary=dictionary,
                      row_group_size=1000, data_page_size=2048, version="2.6")

    encodings = {
        "b": "RLE", "i32": "DELTA_BINARY_PACKED", "i64": "DELTA_BINARY_PACKED", "u64": "DELTA_BINARY_PACKED",
        "i8": "DELTA_BINARY_PACKED", "date": "DELTA_BINARY_PACKED", "ts_ns": "DELTA_BINARY_PACKED",
        "s": "DELTA_LENGTH_BYTE_ARRAY", "lowcard": "DELTA_BYTE_ARRAY", "bin": "DELTA_BYTE_ARRAY",
        "fixed": "DELTA_BYTE_ARRAY", "dec30": "BYTE_STREAM_SPLIT",
        "f32": "BYTE_STREAM_SPLIT", "f64": "BYTE_STREAM_SPLIT", "i16": "BYTE_STREAM_SPLIT", "req": "BYTE_STREAM_SPLIT",
    }
    for page_version in ["1.0", "2.0"]:
        write(f"pyarrow-encodings-v{page_version[0]}", table, data_page_version=page_version, use_dictionary=False,
              column_encoding=encodings, compression="snappy", row_group_size=1000, data_page_size=2048)

    sorted_table = pa.table({
        "id": pa.array(range(5000), pa.int64()),
        "small": pa.array([i % 7 for i in range(5000)], pa.int32()),
        "name": pa.array([f"name-{i:05d}" for i in range(5000)], pa.string()),
    })
    write("pyarrow-delta-sorted", sorted_table, use_dictionary=False, data_page_version="2.0",
          column_encoding={"id": "DELTA_BINARY_PACKED", "small": "DELTA_BINARY_PACKED", "name": "DELTA_BYTE_ARRAY"},
          compression="none", row_group_size=2000)

    write("pyarrow-int96", table.select(["ts_ms", "ts_us_utc", "ts_ns", "i32"]), use_deprecated_int96_timestamps=True,
          compression="snappy", row_group_size=1000)
    wide = pa.table({"ts": pa.array([datetime.datetime(1000, 1, 1, 12, 0, 0, 123456), datetime.datetime(3000, 6, 1),
                                     datetime.datetime(2020, 1, 1, 0, 0, 0, 1), None], pa.timestamp("us"))})
    write("pyarrow-int96-wide", wide, use_deprecated_int96_timestamps=True)
    halves = [1.5, -2.25, 65504.0, 0.0, 0.0001]
    half_bytes = pa.py_buffer(struct.pack("<5e", *halves))
    half_validity = pa.py_buffer(bytes([0b10111]))
    write("pyarrow-float16", pa.table({"h": pa.Array.from_buffers(pa.float16(), 5, [half_validity, half_bytes])}))
    # Tiny dictionary pages: the first written while the dictionary holds one value, then all-null pages, then
    # pages of a grown dictionary.
    tiny = pa.table({"s": pa.array(["same"] * 2000 + [None] * 2000 + [f"v{i % 50}" for i in range(2000)], pa.string()),
                     "i": pa.array([7] * 2000 + [None] * 2000 + list(range(2000)), pa.int64())})
    write("pyarrow-dictionary-tiny-pages", tiny, data_page_size=64, write_batch_size=64, compression="none",
          data_page_version="1.0")
    write("pyarrow-decimal-int", table.select(["dec7", "dec15", "dec30"]), store_decimal_as_integer=True,
          row_group_size=1000)
    write("pyarrow-no-nulls", sample_table(1000, 2, with_nulls=False), compression="gzip")
    write("pyarrow-empty", table.slice(0, 0))
    write("pyarrow-one-row", table.slice(0, 1))
    all_null = pa.table({"x": pa.array([None] * 300, pa.int64()), "s": pa.array([None] * 300, pa.string()),
                         "n": pa.array([None] * 300, pa.null())})
    write("pyarrow-all-null", all_null, data_page_version="2.0", compression="zstd")
    write("pyarrow-all-null-v1", all_null, data_page_version="1.0", compression="snappy")
    # Page index, page CRCs, and no stored Arrow schema (so that pyarrow's types come from Parquet alone).
    write("pyarrow-pageindex-crc", table, write_page_index=True, write_page_checksum=True, store_schema=False,
          max_rows_per_page=100,          sorting_columns=[pq.SortingColumn(0)], bloom_filter_options={"s": {"ndv": 100}, "i64": True},
          data_page_version="2.0", compression="zstd", row_group_size=1000, data_page_size=2048)
    # Codecs the reader does not support, and a nested column: each must be a clear error.
    unsupported = []
    for codec in ["lz4", "brotli"]:
        path = os.path.join(outdir, f"pyarrow-{codec}.parquet")
        pq.write_table(table.select(["i32", "s"]), path, compression=codec)
        unsupported.append(path)
    nested = pa.table({"id": pa.array([1, 2], pa.int64()), "tags": pa.array([["a"], ["b", "c"]])})
    path = os.path.join(outdir, "pyarrow-nested.parquet")
    pq.write_table(nested, path)
    unsupported.append(path)

    import duckdb
    con = duckdb.connect()
    con.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')")
    duck_query = """
        SELECT i::INTEGER AS i, (i * 1000003)::BIGINT AS big, (i % 3 = 0) AS flag,
               CASE WHEN i % 5 = 0 THEN NULL ELSE 'row ' || i || ' ü' END AS label,
               (i / 7.0)::DOUBLE AS ratio, (i / 3.0)::FLOAT AS f,
               DATE '2020-01-01' + (i % 400)::INTEGER AS day,
               TIMESTAMP '2021-06-01 12:00:00' + to_microseconds((i * 1000)::BIGINT) AS at,
               (i * 1.25)::DECIMAL(10, 2) AS price, ((i % 1000) * 0.7)::DECIMAL(4, 1) AS small_dec,
               (i * 12345678901)::DECIMAL(38, 4) AS wide_dec,
               (i % 250)::UTINYINT AS ub, (i % 60000)::USMALLINT AS us, i::UINTEGER AS ui, i::UBIGINT AS ubig,
               (i % 100)::TINYINT AS tb, i::SMALLINT AS sm,
               CASE WHEN i % 4 = 0 THEN NULL ELSE i % 10 END AS maybe_int,
               ('blob' || i)::BLOB AS bl, TIMESTAMPTZ '2021-01-01 00:00:00+00' + to_seconds(i) AS tstz,
               ('2021-01-01'::TIMESTAMP + to_microseconds(i))::TIMESTAMP_NS AS tsns,
               ('2021-01-01'::TIMESTAMP + to_seconds(i))::TIMESTAMP_MS AS tsms,
               CASE WHEN i % 9 = 0 THEN NULL ELSE uuid() END AS u, (['sad', 'ok', 'happy'][i % 3 + 1])::mood AS m,
               (i * 0.0000000001)::DECIMAL(38, 10) AS d38, TIME '10:00:00' + to_seconds(i) AS t
        FROM range(0, 3000) t(i)
    """
    for codec in ["snappy", "zstd", "gzip", "uncompressed"]:
        path = os.path.join(outdir, f"duckdb-{codec}.parquet")
        con.execute(f"COPY ({duck_query}) TO '{path}' (FORMAT parquet, COMPRESSION {codec}, ROW_GROUP_SIZE 1024)")
        files.append(path)

    # Parquet format v2 from DuckDB: data page v2, DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, BYTE_STREAM_SPLIT.
    path = os.path.join(outdir, "duckdb-v2.parquet")
    con.execute(f"COPY ({duck_query}) TO '{path}' (FORMAT parquet, PARQUET_VERSION V2, ROW_GROUP_SIZE 1024)")
    files.append(path)

    import polars as pl
    df = pl.DataFrame({
        "id": list(range(4000)),
        "name": [None if i % 11 == 0 else f"polars-{i % 97}" for i in range(4000)],
        "value": [None if i % 13 == 0 else i * 0.5 for i in range(4000)],
        "flag": [i % 2 == 0 for i in range(4000)],
        "day": [datetime.date(2022, 1, 1) + datetime.timedelta(days=i % 365) for i in range(4000)],
        "at": [datetime.datetime(2023, 1, 1) + datetime.timedelta(seconds=i) for i in range(4000)],
        "small": pl.Series([i % 100 for i in range(4000)], dtype=pl.Int16),
        "u": pl.Series([i for i in range(4000)], dtype=pl.UInt32),
    })
    path = os.path.join(outdir, "polars-default.parquet")
    df.write_parquet(path, row_group_size=1500)
    files.append(path)
    path = os.path.join(outdir, "polars-snappy-nostats.parquet")
    df.write_parquet(path, compression="snappy", statistics=False)
    files.append(path)
    wide = df.with_columns(
        pl.col("name").cast(pl.Categorical).alias("category"),
        pl.col("at").dt.replace_time_zone("UTC").alias("at_utc"),
        pl.col("at").cast(pl.Datetime("ns")).alias("at_ns"),
        (pl.col("id") * 37).cast(pl.Decimal(12, 2)).alias("money"),
        pl.col("name").cast(pl.Binary).alias("raw"),
        (pl.col("id") % 120 - 60).cast(pl.Int8).alias("tiny"),
        (pl.col("id") * 1_000_003).cast(pl.UInt64).alias("big"),
        pl.col("value").cast(pl.Float32).alias("f32"),
    )
    for codec in ["gzip", "uncompressed", "zstd"]:
        path = os.path.join(outdir, f"polars-types-{codec}.parquet")
        wide.write_parquet(path, compression=codec, row_group_size=1000, data_page_size=4096)
        files.append(path)

    for path in files:
        dump(path)
    with open(os.path.join(outdir, "manifest.json"), "w") as f:
        json.dump([os.path.basename(p) for p in files], f)


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        generate(sys.argv[2])
    elif sys.argv[1] == "dump":
        for p in sys.argv[2:]:
            dump(p)
