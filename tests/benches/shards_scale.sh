#!/usr/bin/env bash
# `soi index` at scale: ≥ 1 GB of news, peak memory and the speed-up of -j 2 over -j 1.
#
#   bash tests/benches/shards_scale.sh [SOI] [SIZE_MB]
#   JOBS="1" bash tests/benches/shards_scale.sh     # only -j 1
#
# Builds its input under /tmp (never in the repository: it is copyrighted news): the vntc
# sample (../shared/data/vntc/dev.sample.txt, 2,827 articles) repeated to SIZE_MB (default
# 1100) as JSON Lines, one article a row, 8 files. Each copy's articles get distinct ids
# and each paragraph a distinct tail (" (bản K)"), so no paragraph is a duplicate: every
# copy is analyzed in full, as a real archive would be. Then runs `soi index -j 1` and
# `-j 2` under /usr/bin/time -v and prints wall time, MB/s and max RSS of each, and the
# ratio; and checks that both runs wrote the same bytes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
soi=${1:-${CARGO_TARGET_DIR:-target}/release/soi}
size_mb=${2:-1100}
src=../shared/data/vntc/dev.sample.txt
[ -f "$src" ] || { echo "skipped: $src is not here (copyrighted news)"; exit 0; }
work=/tmp/soi-bench-shards
input=$work/input-$size_mb
if [ ! -f "$input/.done" ]; then
  rm -rf "$input"; mkdir -p "$input"
  python3 - "$src" "$input" "$size_mb" <<'PY'
import json, os, sys
src, out, size_mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
articles = [a for a in open(src, encoding="utf-8").read().split("\n\n") if a.strip()]
files = [open(os.path.join(out, "part-%d.jsonl" % i), "w", encoding="utf-8") for i in range(8)]
written, copy = 0, 0
while written < size_mb * 1_000_000:
    for j, a in enumerate(articles):
        text = "\n".join(line + " (bản %d)" % copy for line in a.split("\n"))
        row = json.dumps({"id": "c%d-a%d" % (copy, j), "text": text}, ensure_ascii=False) + "\n"
        files[(copy * len(articles) + j) % 8].write(row)
        written += len(row.encode("utf-8"))
    copy += 1
for f in files:
    f.close()
print("input: %d copies, %.0f MB" % (copy, written / 1e6), file=sys.stderr)
PY
  touch "$input/.done"
fi
bytes=$(cat "$input"/*.jsonl | wc -c)
echo "input: $input, $((bytes / 1000000)) MB in 8 JSON Lines files; $(nproc) cores; $("$soi" --version)"
declare -A secs
for j in ${JOBS:-1 2}; do
  out=$work/out-j$j
  rm -rf "$out"
  /usr/bin/time -v "$soi" index -j "$j" --out "$out" "$input" 2> "$work/time-j$j.txt" || true
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time-j$j.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time-j$j.txt")
  s=$(python3 -c "import sys; p=sys.argv[1].split(':'); print(sum(float(x)*60**i for i,x in enumerate(reversed(p))))" "$wall")
  secs[$j]=$s
  grep '^soi index:' "$work/time-j$j.txt" || true
  printf -- '-j %s: %s s wall, %.1f MB/s, max RSS %d MB\n' "$j" "$s" "$(python3 -c "print($bytes/1e6/$s)")" "$((rss / 1024))"
done
if [ -n "${secs[2]:-}" ] && [ -n "${secs[1]:-}" ]; then
  python3 -c "print('speed-up -j 2 over -j 1: %.2fx' % (${secs[1]} / ${secs[2]}))"
fi
if [ ! -d "$work/out-j2" ] || [ ! -d "$work/out-j1" ]; then
  :
elif diff -r -q "$work/out-j1" "$work/out-j2" >/dev/null; then
  echo "the two runs wrote the same bytes"
else
  echo "the two runs differ:"; diff -r -q "$work/out-j1" "$work/out-j2" || true
fi
du -sh "$work/out-j1" | awk '{print "shard size: " $1}'
