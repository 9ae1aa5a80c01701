"""Checks Sluice's psd, pmd and jmsd outputs against DuckDB's evaluation of the same jobs on the sample CSVs.

usage: check_seed_outputs.py SALES_CSV MARKETING_CSV OUTPUT_ROOT [JOB ...]

For each job, the expected rows are computed by DuckDB from the CSVs (not from Sluice's output); the output
dataset is then read by DuckDB, pyarrow and Polars, and each reading must equal the expected rows exactly, with
the expected column names and types. Prints one JSON object with per-job figures; exits 1 on any difference.
"""
import datetime
import json
import sys

import duckdb
import polars as pl
import pyarrow.parquet as pq

sales, marketing, root = sys.argv[1:4]
jobs = sys.argv[4:] or ["psd", "pmd", "jmsd"]
con = duckdb.connect()

con.execute(f"""
create table psd as
select strptime("Date", '%m/%d/%Y')::date as date,
       sum(cast("Forecasted Monthly Revenue" as bigint))::bigint as forecasted_lead_revenue,
       count(*)::bigint as leads_generated
from read_csv('{sales}', header=true, all_varchar=true)
where "Opportunity Stage" = 'Lead'
group by 1 order by 1
""")

cols = con.execute(f"select * from read_csv('{marketing}', header=true, all_varchar=true) limit 0").description
def norm(name):
    return "_".join(name.strip().lower().split())
select = []
for (name, *_rest) in cols:
    q = '"' + name.replace('"', '""') + '"'
    if name == "Date":
        select.append(f"strptime({q}, '%m/%d/%Y')::date as date")
    elif name == "Events":
        select.append(f"nullif({q}, '') as {norm(name)}")
    else:
        select.append(f"cast({q} as bigint) as {norm(name)}")
con.execute(f"create table pmd as select {', '.join(select)} from read_csv('{marketing}', header=true, all_varchar=true)")
pmd_rest = [norm(n) for (n, *_r) in cols if n != "Date"]
con.execute(f"""
create table jmsd as
select psd.date, psd.forecasted_lead_revenue, psd.leads_generated, {', '.join('pmd.' + c for c in pmd_rest)}
from psd join pmd on psd.date = pmd.date order by psd.date
""")

def normalize(rows):
    return [tuple(r) for r in rows]

result = {}
failed = False
for job in jobs:
    expected_rel = con.table(job)
    expected = normalize(expected_rel.fetchall())
    names = expected_rel.columns
    types = [str(t) for t in expected_rel.types]
    path = f"{root}/{job}"
    got_duck_rel = con.sql(f"select * from read_parquet('{path}/*.parquet')")
    readings = {
        "duckdb": normalize(got_duck_rel.fetchall()),
        "pyarrow": [tuple(r.values()) for r in pq.read_table(path).to_pylist()],
        "polars": [tuple(r.values()) for r in pl.read_parquet(f"{path}/*.parquet").to_dicts()],
    }
    figures = {
        "rows": len(expected),
        "columns": len(names),
        "names_equal": got_duck_rel.columns == names,
        "types_equal": [str(t) for t in got_duck_rel.types] == types,
        "min_date": str(expected[0][0]) if expected else None,
        "max_date": str(expected[-1][0]) if expected else None,
    }
    if job == "psd":
        figures["revenue_total"] = sum(r[1] for r in expected)
        figures["leads_total"] = sum(r[2] for r in expected)
    for peer, rows in readings.items():
        figures[f"{peer}_equal"] = rows == expected
        if rows != expected:
            failed = True
            diff = [(i, a, b) for i, (a, b) in enumerate(zip(rows, expected)) if a != b][:3]
            figures[f"{peer}_first_differences"] = repr(diff) + f" (got {len(rows)} rows)"
    if not figures["names_equal"] or not figures["types_equal"]:
        failed = True
        figures["got_schema"] = list(zip(got_duck_rel.columns, [str(t) for t in got_duck_rel.types]))
    result[job] = figures
print(json.dumps(result, default=str))
sys.exit(1 if failed else 0)
