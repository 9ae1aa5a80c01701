# The DuckDB side of SQLTPCHTests: generates TPC-H at the given scale factor as Parquet (tpchgen-cli), then answers
# each query file; prints one JSON list.
#   python tpch_oracle.py SCALE DIR QUERY.sql...
import json
import subprocess
import sys
from pathlib import Path

import duckdb
from oracle import cell  # the tagged JSON cells SQLOracleTests reads

TABLES = ["customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"]


def main():
    scale, directory, queries = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
    if not (directory / "lineitem.parquet").exists():
        generator = Path(sys.executable).parent / "tpchgen-cli"
        subprocess.run([str(generator), "parquet", "-s", scale, f"--output-dir={directory}"], check=True)
    con = duckdb.connect()
    for table in TABLES:
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{directory}/{table}.parquet')")
    answers = []
    for path in queries:
        rows = con.execute(Path(path).read_text()).fetchall()
        answers.append([[cell(v) for v in row] for row in rows])
    print(json.dumps(answers))


main()
