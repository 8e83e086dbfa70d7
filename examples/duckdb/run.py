#!/usr/bin/env python3
"""Run Soi's shard SQL files with DuckDB and print the last result as TSV.

    python3 examples/duckdb/run.py docs/sql/views.sql docs/sql/wordlist.sql

Run it from the folder that holds `shards/` (the folders `soi index --out shards/NAME`
wrote). Files run in order on one connection, so a view made by one (views.sql,
subset.sql) is there for the next. A `--sql TEXT` argument runs TEXT in that place instead
of a file. Numbers print in full precision (Python's repr), so a caller can round them
as it likes; NULL prints as an empty field.
"""
import sys

try:
    import duckdb
except ImportError:
    sys.exit("run.py: the duckdb package is missing: python3 -m pip install duckdb")


def cell(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    return str(v)


def main(args):
    con = duckdb.connect()
    result = None
    i = 0
    while i < len(args):
        if args[i] == "--sql":
            sql = args[i + 1]
            i += 2
        else:
            with open(args[i], encoding="utf-8") as f:
                sql = f.read()
            i += 1
        result = con.execute(sql)
    if result is None or result.description is None:
        return
    out = sys.stdout
    out.write("\t".join(d[0] for d in result.description) + "\n")
    for row in result.fetchall():
        out.write("\t".join(cell(v) for v in row) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
