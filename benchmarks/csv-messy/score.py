#!/usr/bin/env python3
"""Loads every polluted file of pollute.py four ways and scores each load against the clean truth, cell by cell.

Usage: score.py DIR PROBE [--out results.md]

  DIR    the output of pollute.py (files + manifest.json)
  PROBE  the CSVProbe executable (Sources/CSVProbe: Sluice's CSV reader, every column as text, printed as JSON)

Loaders: Sluice with the dialect given (the hints of the manifest), Sluice with the dialect sniffed (--sniff),
DuckDB with the same hints, DuckDB with its own sniffer: read_csv(..., auto_detect=true, strict_mode=false,
null_padding=true, ignore_errors=true, all_varchar=true). Null and empty cells compare equal.

Scores per file: precision, recall and F1 of the header (names as a multiset; skipped where the truth has no
header), of the records (rows as tuples, a multiset) and of the cells (rows aligned in order with difflib, columns
by name, else by position). The table shows the mean F1 per category. Sluice's loads also check that nothing is
lost: rows read = rows written + rows rejected.
"""

import argparse
import collections
import difflib
import json
import os
import subprocess
import sys

import duckdb


def prf(matched, loaded, truth):
    p = matched / loaded if loaded else (1.0 if truth == 0 else 0.0)
    r = matched / truth if truth else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def multiset_match(a, b):
    ca, cb = collections.Counter(a), collections.Counter(b)
    return sum((ca & cb).values())


def score(truth_header, truth_rows, header, rows, score_header):
    norm = lambda row: tuple("" if v is None else v for v in row)
    truth_rows = [norm(r) for r in truth_rows]
    rows = [norm(r) for r in rows]
    result = {}
    if score_header:
        result["header"] = prf(multiset_match(header, truth_header), len(header), len(truth_header))
    result["records"] = prf(multiset_match(rows, truth_rows), len(rows), len(truth_rows))
    # Columns: by name, then unmatched ones by position.
    mapping = {}
    used = set()
    for j, name in enumerate(header):
        if score_header and name in truth_header and truth_header.index(name) not in used:
            mapping[j] = truth_header.index(name)
            used.add(mapping[j])
    for j in range(len(header)):
        if j not in mapping and j < len(truth_header) and j not in used:
            mapping[j] = j
            used.add(j)
    matched = 0
    matcher = difflib.SequenceMatcher(None, rows, truth_rows, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag not in ("equal", "replace"):
            continue
        for a, b in zip(range(i1, i2), range(j1, j2)):
            for j, t in mapping.items():
                if j < len(rows[a]) and t < len(truth_rows[b]) and rows[a][j] == truth_rows[b][t]:
                    matched += 1
    loaded_cells = sum(len(r) for r in rows)
    truth_cells = sum(len(r) for r in truth_rows)
    result["cells"] = prf(matched, loaded_cells, truth_cells)
    return result


def sluice(probe, path, hints, sniff):
    args = [probe, path]
    if sniff:
        args.append("--sniff")
    else:
        args += ["--delimiter", hints["delimiter"], "--quote", hints["quote"],
                 "--header", "true" if hints["header"] else "false", "--skip", str(hints["skip"]),
                 "--encoding", hints["encoding"]]
        if hints["escape"]:
            args += ["--escape", hints["escape"]]
        if hints["comment"]:
            args += ["--comment", hints["comment"]]
        if hints["line_terminator"] == "\r":
            args += ["--line-terminator", "cr"]
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode != 0:
        return [], [], {"error": (out.stdout + out.stderr).strip()[:300]}
    loaded = json.loads(out.stdout)
    info = {"rows_read": loaded["rows_read"], "rejected": loaded["rejected"], "written": len(loaded["rows"]),
            "dialect": loaded["dialect"], "warnings": loaded["warnings"]}
    return loaded["header"], loaded["rows"], info


def duck(path, hints, sniff):
    options = ["auto_detect=true", "strict_mode=false", "null_padding=true", "ignore_errors=true",
               "all_varchar=true"]

    def lit(text):
        return "'" + text.replace("'", "''") + "'"

    if not sniff:
        options += ["delim=" + lit(hints["delimiter"]), "quote=" + lit(hints["quote"]),
                    "escape=" + lit(hints["escape"] or hints["quote"]),
                    "header=" + ("true" if hints["header"] else "false"), "skip=%d" % hints["skip"]]
        if hints["comment"]:
            options.append("comment=" + lit(hints["comment"]))
        if hints["encoding"] in ("latin-1", "utf-16"):
            options.append("encoding=" + lit(hints["encoding"]))
        if hints["line_terminator"] == "\r":
            options.append("new_line=" + lit("\\r"))
    try:
        con = duckdb.connect()
        relation = con.sql("select * from read_csv(%s, %s)" % (lit(path), ", ".join(options)))
        header = list(relation.columns)
        rows = [list(r) for r in relation.fetchall()]
        return header, rows, {}
    except Exception as error:  # a load that fails scores zero
        return [], [], {"error": str(error).splitlines()[0][:300]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("probe")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    manifest = json.load(open(os.path.join(args.dir, "manifest.json")))
    loaders = [("sluice_given", lambda p, h: sluice(args.probe, p, h, False)),
               ("sluice_sniffed", lambda p, h: sluice(args.probe, p, h, True)),
               ("duckdb_given", lambda p, h: duck(p, h, False)),
               ("duckdb_sniffed", lambda p, h: duck(p, h, True))]
    per_category = collections.defaultdict(lambda: collections.defaultdict(list))
    problems = []
    for entry in manifest:
        path = os.path.join(args.dir, entry["file"])
        for name, load in loaders:
            header, rows, info = load(path, entry["hints"])
            if "error" in info:
                problems.append("%s %s: %s" % (name, entry["file"], info["error"]))
            if name.startswith("sluice") and "rows_read" in info:
                if info["rows_read"] != info["written"] + info["rejected"]:
                    problems.append("%s %s: LOST ROWS read %d != written %d + rejected %d" % (
                        name, entry["file"], info["rows_read"], info["written"], info["rejected"]))
            s = score(entry["header"], entry["rows"], header, rows, entry["score_header"])
            for kind, (p, r, f) in s.items():
                per_category[entry["category"]][(name, kind)].append(f)
    names = [n for n, _ in loaders]
    lines = ["| category | " + " | ".join("%s cell F1" % n for n in names) + " | "
             + " | ".join("%s record F1" % n for n in names) + " | header F1 (S given/S sniffed/D given/D sniffed) |",
             "|---" * (2 * len(names) + 2) + "|"]
    totals = collections.defaultdict(list)
    for category, scores in per_category.items():
        mean = lambda key: sum(scores[key]) / len(scores[key]) if scores.get(key) else float("nan")
        cells = [mean((n, "cells")) for n in names]
        records = [mean((n, "records")) for n in names]
        headers = [mean((n, "header")) for n in names]
        for n, c in zip(names, cells):
            totals[n].append(c)
        lines.append("| %s | %s | %s | %s |" % (
            category, " | ".join("%.3f" % c for c in cells), " | ".join("%.3f" % r for r in records),
            "/".join("%.2f" % h if h == h else "-" for h in headers)))
    lines.append("| **mean** | %s | | | | | |" % " | ".join(
        "**%.4f**" % (sum(totals[n]) / len(totals[n])) for n in names))
    wins = []
    for n, d in (("sluice_given", "duckdb_given"), ("sluice_sniffed", "duckdb_sniffed")):
        behind = [c for c, s in per_category.items()
                  if sum(s[(n, "cells")]) / len(s[(n, "cells")]) + 1e-9 < sum(s[(d, "cells")]) / len(s[(d, "cells")])]
        wins.append("%s < %s (cell F1) in: %s" % (n, d, ", ".join(behind) or "no category"))
    report = "\n".join(lines + [""] + wins + [""] + ["Problems (%d):" % len(problems)] + problems)
    print(report)
    if args.out:
        with open(args.out, "w") as f:
            f.write(report + "\n")


if __name__ == "__main__":
    main()
