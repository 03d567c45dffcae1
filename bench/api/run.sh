#!/usr/bin/env bash
# API benchmark (STYLE.md rule 16: a benchmark, not a test; it prints its figures and the
# machine): POST create-position on the GPD-compatible route, SQLite on disk, wrk on the same
# machine. Every request creates a new published position with one option (IUV allocated by
# incasso) and one transfer; every answer must be 201.
#
#   bench/api/run.sh                                  # uses build/release
#   INCASSO=build/gpd/src/bin/incasso DURATION=10 bench/api/run.sh
#
# Measure an optimized build (Release or RelWithDebInfo; a Debug build is about 4x slower).
# 2026-11-26, 2 vCPU EPYC, ext4, Release build, one durable commit per create (IUV reserved in the
# insert's transaction, audit event via the batched EventRecorder), load average 1.0-1.5 before
# each run: 2,081-2,251/s at c=8 and 2,197-2,418/s at c=32 (three runs of 15 s; p99 7-8 ms and
# 20-22 ms). Before (three commits per create, loaded machine): 166/s.
#
# Environment (defaults in brackets): INCASSO [build/release/src/bin/incasso], DURATION [15]
# seconds per run, CONNS ["8 32"] wrk connections, WRK_THREADS [2], DB_DIR [a temp dir under /tmp,
# on disk], KEEP_TMP [0].
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/bench/api
INCASSO=${INCASSO:-$ROOT/build/release/src/bin/incasso}
DURATION=${DURATION:-15}
CONNS=${CONNS:-"8 32"}
WRK_THREADS=${WRK_THREADS:-2}
KEEP_TMP=${KEEP_TMP:-0}
CF=00123456782

# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
source "$ROOT/bench/lib.sh"
bench_check_tools
bench_temp_dir incasso-api-bench "${DB_DIR:-/tmp}"

export INCASSO_DATABASE_URL="sqlite:$TMP/bench.db"
unset INCASSO_CONFIG
say "== machine: $(nproc) cpus, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo);" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg); filesystem of the database: $(df -PT "$TMP" | awk 'NR==2 {print $2}')"
"$INCASSO" migrate >/dev/null
"$INCASSO" entity add --fiscal-code "$CF" --name "Comune di Bench" --slug bench \
  --segregation-code 01 >/dev/null
KEY=$("$INCASSO" apikey create --entity "$CF" --label bench 2>/dev/null)

OUT=$TMP/incasso.out
INCASSO_HTTP_HOST=127.0.0.1 INCASSO_HTTP_PORT=0 INCASSO_LOG_LEVEL=warn "$INCASSO" serve \
  >"$OUT" 2>"$TMP/incasso.log" &
INCASSO_PID=$!
bench_wait_port "$OUT"
URL=http://127.0.0.1:$PORT
curl -fsS "$URL/readyz" >/dev/null || die "incasso is not ready"

run=0
for c in $CONNS; do
  run=$((run + 1))
  say "== wrk -t$WRK_THREADS -c$c -d${DURATION}s POST create-position (GPD, toPublish=true)"
  wrk -t"$WRK_THREADS" -c"$c" -d"${DURATION}s" --latency -s "$HERE/create.lua" "$URL" \
    -- "$CF" "$KEY" "r$run" | grep -E '^(RESULT|FIRST_ERROR)' | sed "s/^/c=$c /"
done
kill -TERM "$INCASSO_PID"
wait "$INCASSO_PID" || true
INCASSO_PID=""
say "== positions stored: $(sqlite3 "$TMP/bench.db" 'SELECT COUNT(*) FROM debt_position' 2>/dev/null || echo '?')"
