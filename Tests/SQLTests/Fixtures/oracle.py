# The DuckDB side of SQLOracleTests: builds the test tables, then answers each query; prints one JSON object.
#   python oracle.py DIR QUERIES.json
# DIR gets t.parquet, u.parquet and empty.parquet (written with pyarrow) on the first call ("build"); the seed's
# CSVs are loaded with the column types Sluice reports for them (given in QUERIES.json), so that both engines
# answer over the same typed values.
import datetime
import decimal
import json
import math
import sys

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq


def build(directory):
    t = pa.table({
        "k": pa.array([1, 2, 2, 3, None, 5, 5, 5, 7, None], pa.int64()),
        "v": pa.array([1.5, -2.0, None, 4.25, 8.0, None, 0.5, 3.0, -1.25, 2.0], pa.float64()),
        "s": pa.array(["a", "b", None, "B", "ab", "abc", "", "x_y", "b", None], pa.string()),
        "d": pa.array([datetime.date(2020, 1, 31), datetime.date(2020, 2, 29), None, datetime.date(2019, 12, 31),
                       datetime.date(2021, 3, 1), datetime.date(2020, 1, 1), datetime.date(2020, 6, 15),
                       datetime.date(1999, 12, 31), None, datetime.date(2020, 2, 1)], pa.date32()),
        "b": pa.array([True, False, None, True, True, False, None, False, True, True], pa.bool_()),
        "big": pa.array([9223372036854775807, 1, 2, 3, 4, 5, 6, 7, 8, 9], pa.int64()),
    })
    u = pa.table({
        "k": pa.array([2, 2, 3, 5, 8, None, 1], pa.int64()),
        "w": pa.array([10, 20, 30, 50, 80, 0, None], pa.int64()),
        "name": pa.array(["two", "deux", "three", "five", "eight", "none", "one"], pa.string()),
    })
    pq.write_table(t, f"{directory}/t.parquet")
    pq.write_table(u, f"{directory}/u.parquet")
    pq.write_table(t.slice(0, 0), f"{directory}/empty.parquet")
    # Ten row groups of 100 ascending keys: the row-group statistics let a filter skip most of them.
    keys = list(range(1000))
    sorted_table = pa.table({
        "k": pa.array(keys, pa.int64()),
        "day": pa.array([datetime.date(2020, 1, 1) + datetime.timedelta(days=k // 10) for k in keys], pa.date32()),
        "name": pa.array([f"n{k:04d}" for k in keys], pa.string()),
    })
    pq.write_table(sorted_table, f"{directory}/sorted.parquet", row_group_size=100)


def cell(value):
    """Tagged, so that JSON keeps bools, 64-bit integers and doubles apart."""
    if value is None:
        return None
    if isinstance(value, bool):
        return {"b": value}
    if isinstance(value, int):
        return {"i": str(value)}
    if isinstance(value, float):
        return {"d": "nan" if math.isnan(value) else value}
    if isinstance(value, decimal.Decimal):
        return {"d": float(value)}
    if isinstance(value, datetime.datetime):
        return {"s": value.isoformat(sep=" ")}
    if isinstance(value, datetime.date):
        return {"s": value.isoformat()}
    return {"s": str(value)}


def main():
    directory, queries_path = sys.argv[1], sys.argv[2]
    spec = json.load(open(queries_path))
    con = duckdb.connect()
    for name in ["t", "u", "empty", "sorted"]:
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{directory}/{name}.parquet')")
    for table in spec["csv"]:
        columns = []
        for index, (source, target, kind) in enumerate(table["columns"]):
            quoted = f"c{index}"
            if kind == "date":
                expression = f"CAST(strptime(NULLIF({quoted}, ''), '%m/%d/%Y') AS DATE)"
            elif kind == "varchar":
                expression = quoted
            else:
                expression = f"CAST(NULLIF({quoted}, '') AS {kind.upper()})"
            columns.append(f'{expression} AS "{target}"')
        con.execute(
            f"CREATE VIEW {table['name']} AS SELECT {', '.join(columns)} FROM "
            f"read_csv('{table['path']}', all_varchar=true, header=true, "
            f"names=[{', '.join(repr(f'c{i}') for i in range(len(table['columns'])))}])"
        )
    results = []
    for query in spec["queries"]:
        try:
            rows = con.execute(query).fetchall()
            results.append({"rows": [[cell(v) for v in row] for row in rows]})
        except Exception as error:  # noqa: BLE001 - the message is the answer
            results.append({"error": str(error)})
    print(json.dumps(results))


if __name__ == "__main__":
    if sys.argv[1] == "build":
        build(sys.argv[2])
    else:
        main()
