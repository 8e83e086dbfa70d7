#!/usr/bin/env python3
"""Soi on Spark: `soi index` on every partition of the input, then the shards' SQL.

    python3 examples/spark/soi_spark.py --soi target/release/soi --out /data/shards \
        --sql docs/sql/totals.sql --sql docs/sql/wordlist.sql  corpus/

    spark-submit --master yarn examples/spark/soi_spark.py --soi /opt/soi/soi \
        --out /mnt/shared/shards --partitions 400 --sql docs/sql/totals.sql /mnt/shared/corpus

(a) The analysis is distributed: the input files are listed on the driver, cut into
partitions, and each partition's task runs `soi index -j 1 FILES --out OUT/part-NNNNN` (a
task has one core; Spark runs as many tasks at once as there are cores). Shards are
independent, so a failed task is simply run again and overwrites its own folder.
(b) The shards are combined with the same SQL files DuckDB runs (docs/sql/*.sql): each table
is read from every complete shard (one with its manifest.json) and registered as a view.
Each --sql file's result is printed as TSV.

Without spark-submit it runs in local mode on all cores; under spark-submit the master is
whatever that says, unchanged. On a cluster `--out` and the inputs must be on a file system
every node sees (an NFS mount, or a FUSE mount of HDFS or S3), and `--soi` must exist on
every node.
"""
import argparse
import os
import subprocess
import sys

from pyspark import SparkConf
from pyspark.sql import SparkSession

TABLES = ["documents", "terms", "syllables", "entities", "pairs"]


def input_files(paths):
    """Files under `paths`, folders walked in name order (as `soi index` walks them)."""
    out = []
    for p in paths:
        if os.path.isdir(p):
            for name in sorted(os.listdir(p)):
                if not name.startswith("."):
                    out.extend(input_files([os.path.join(p, name)]))
        else:
            out.append(p)
    return out


def index_partitions(soi, out):
    def run(i, items):
        paths = [p for _, p in items]
        if not paths:
            return
        shard = os.path.join(out, "part-%05d" % i)
        r = subprocess.run(
            [soi, "index", "-j", "1", "--out", shard, *paths],
            capture_output=True,
            text=True,
        )
        yield (i, len(paths), r.returncode, r.stderr.strip().splitlines()[-1:] or [""])

    return run


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--soi", required=True, help="the soi binary (on every node)")
    ap.add_argument("--out", required=True, help="folder of the shards (shared by the nodes)")
    ap.add_argument("--partitions", type=int, default=0, help="shards (default: 2 × cores)")
    ap.add_argument("--sql", action="append", default=[], help="a .sql file to run (repeatable)")
    ap.add_argument("inputs", nargs="+")
    args = ap.parse_args()

    builder = SparkSession.builder.appName("soi-index")
    if not SparkConf().contains("spark.master"):
        builder = builder.master("local[*]")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    sc = spark.sparkContext

    soi = os.path.abspath(args.soi)
    out = os.path.abspath(args.out)
    files = [os.path.abspath(f) for f in input_files(args.inputs)]
    n = args.partitions or 2 * sc.defaultParallelism
    n = max(1, min(n, len(files)))
    # Contiguous slices in input order: shard k holds files k·len/n … (k+1)·len/n.
    ranked = sc.parallelize(list(enumerate(files)), n)
    for i, count, code, last in sorted(ranked.mapPartitionsWithIndex(index_partitions(soi, out)).collect()):
        print("shard %05d: %d files, exit %d: %s" % (i, count, code, last[0]), file=sys.stderr)

    shards = sorted(
        os.path.join(out, d)
        for d in os.listdir(out)
        if os.path.isfile(os.path.join(out, d, "manifest.json"))
    )
    for t in TABLES:
        spark.read.parquet(*[os.path.join(s, t + ".parquet") for s in shards]).createOrReplaceTempView(t)

    for path in args.sql:
        with open(path, encoding="utf-8") as f:
            rows = spark.sql(f.read())
        print("\t".join(rows.columns))
        for r in rows.collect():
            print("\t".join("" if v is None else repr(v) if isinstance(v, float) else str(v) for v in r))
    spark.stop()


if __name__ == "__main__":
    main()
