#!/usr/bin/env bash
# Import benchmark (issue 4): `incasso import` of N incasso-CSV rows (1 position, 1 option,
# 1 transfer each) into SQLite (a file on disk) and PostgreSQL, wall time and peak RSS from
# /usr/bin/time -v (Debian package `time`), beside a raw `sqlite3 .import` and a PostgreSQL
# `COPY` of the same CSV into a plain table. Not a test: it prints figures.
# usage: bench/import/run.sh [BINARY] [ROWS]   (PostgreSQL: INCASSO_TEST_POSTGRES_URL, else skipped)
#   BENCH_ONLY=sqlite|postgresql   run one database only
#   BENCH_PG_TUNED=1               PostgreSQL on a cluster of its own (scripts/lib/pg.sh) started with
#                                  the bulk-load settings below, instead of INCASSO_TEST_POSTGRES_URL.
#                                  Settings a Region would use for large imports: fewer checkpoints
#                                  during the load, bigger WAL buffers. Durability is untouched
#                                  (fsync, synchronous_commit and full_page_writes stay on).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../../build/release/src/bin/incasso}
rows=${2:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v /usr/bin/time >/dev/null || { echo "install the Debian package 'time'"; exit 1; }
echo "machine: $(nproc) cores, $(uname -srm); rows: $rows; binary: $bin"
python3 "$here/gen_csv.py" "$rows" "$work/in.csv"
entity=00123456782

measure() {  # label, command...: prints wall seconds and peak RSS MB
  local label=$1; shift
  /usr/bin/time -v "$@" >"$work/out.txt" 2>"$work/time.txt" || { cat "$work/out.txt" "$work/time.txt"; return 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$work/time.txt")
  printf '%-28s %8.2f s  %6s MB peak RSS\n' "$label" "$wall" "$rss"
  grep -h '^import ' "$work/out.txt" || true
  echo "$wall" >"$work/last"
}

pg_tuned_conf="max_wal_size = 4GB
checkpoint_timeout = 30min
wal_buffers = 64MB
shared_buffers = 512MB"
if [[ ${BENCH_PG_TUNED:-0} == 1 && ${BENCH_ONLY:-} != sqlite ]]; then
  # shellcheck source=../../scripts/lib/pg.sh
  source "$here/../../scripts/lib/pg.sh"
  unset INCASSO_PG_DIR
  trap 'pg_stop >/dev/null; rm -rf "$work"' EXIT
  INCASSO_PG_EXTRA_CONF=$pg_tuned_conf pg_start >/dev/null
  echo "PostgreSQL: own cluster with bulk-load settings: $(echo "$pg_tuned_conf" | paste -sd, -)"
fi

# SQLite
if [[ ${BENCH_ONLY:-} != postgresql ]]; then
export INCASSO_DATABASE_URL="sqlite:$work/bench.sqlite"
"$bin" entity add --fiscal-code $entity --name "Comune Bench" --slug comune-bench --segregation-code 01 >/dev/null
measure "incasso import (sqlite)" "$bin" import "$work/in.csv" --entity $entity
ours=$(cat "$work/last")
printf '.mode csv\n.separator ;\n.import %s raw\n' "$work/in.csv" >"$work/import.sql"
measure "sqlite3 .import (plain)" sqlite3 "$work/raw.sqlite" ".read $work/import.sql"
raw=$(cat "$work/last")
awk -v a="$ours" -v b="$raw" 'BEGIN { printf "ratio sqlite: %.1fx the raw .import\n", a / b }'
fi

# PostgreSQL
if [[ ${BENCH_ONLY:-} == sqlite ]]; then
  :
elif [[ -n "${INCASSO_TEST_POSTGRES_URL:-}" ]]; then
  db="bench_import_$$"
  psql "$INCASSO_TEST_POSTGRES_URL" -qc "CREATE DATABASE $db" >/dev/null
  url=$(python3 -c "import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p._replace(path='/'+sys.argv[2]).geturl())" "$INCASSO_TEST_POSTGRES_URL" "$db")
  export INCASSO_DATABASE_URL="$url"
  "$bin" entity add --fiscal-code $entity --name "Comune Bench" --slug comune-bench --segregation-code 01 >/dev/null
  measure "incasso import (postgresql)" "$bin" import "$work/in.csv" --entity $entity
  ours=$(cat "$work/last")
  psql "$url" -qc "CREATE TABLE raw (iupd text, debtor_fiscal_code text, debtor_name text, amount text, due_date text, description text, iban text, taxonomy text)"
  measure "psql COPY (plain)" psql "$url" -qc "\\copy raw FROM '$work/in.csv' WITH (FORMAT csv, DELIMITER ';', HEADER true)"
  raw=$(cat "$work/last")
  awk -v a="$ours" -v b="$raw" 'BEGIN { printf "ratio postgresql: %.1fx the raw COPY\n", a / b }'
  psql "$INCASSO_TEST_POSTGRES_URL" -qc "DROP DATABASE $db" >/dev/null
else
  echo "PostgreSQL skipped: set INCASSO_TEST_POSTGRES_URL"
fi
