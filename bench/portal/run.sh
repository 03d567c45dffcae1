#!/usr/bin/env bash
# Portal benchmark (STYLE.md rule 16: a benchmark, not a test; it prints its figures and the
# machine): wrk against the regional home (GET /), an institution page (GET /enti/<slug>) and a
# notice look-up (POST /paga, the station's VerifyNotice behind it) on the SQLite demo region.
# Target (issue 6): 200 requests/s with p99 <= 20 ms. The look-up rate limit is lifted for the run.
#
#   bench/portal/run.sh                                    # uses build/release
#   INCASSO=build/nodesim/src/bin/incasso DURATION=10 bench/portal/run.sh
#
# Environment (defaults in brackets): INCASSO [build/release/src/bin/incasso], DURATION [10]
# seconds per page, CONNS [2] wrk connections (16 saturates a 2-core machine: throughput, not latency), WRK_THREADS [2], RATE [0: as fast as possible;
# with wrk2-style fixed rates unavailable, wrk runs closed-loop], KEEP_TMP [0].
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/bench/portal
INCASSO=$(realpath -m "${INCASSO:-$ROOT/build/release/src/bin/incasso}")  # absolute: the run cd-s to a temp dir
DURATION=${DURATION:-10}
CONNS=${CONNS:-2}
WRK_THREADS=${WRK_THREADS:-2}
KEEP_TMP=${KEEP_TMP:-0}
CF=00123456782

# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
source "$ROOT/bench/lib.sh"
bench_check_tools
bench_temp_dir incasso-portal-bench

say "== machine: $(nproc) cpus, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo);" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
cd "$TMP"
INCASSO_HTTP_HOST=127.0.0.1 INCASSO_HTTP_PORT=0 INCASSO_LOG_LEVEL=warn \
  INCASSO_DATABASE_URL="sqlite:$TMP/var/incasso.db" \
  INCASSO_PORTAL_LOOKUP_BURST=100000 INCASSO_PORTAL_LOOKUP_PER_MINUTE=100000 \
  "$INCASSO" serve --demo >"$TMP/incasso.out" 2>"$TMP/incasso.log" &
INCASSO_PID=$!
bench_wait_port "$TMP/incasso.out"
BASE=http://127.0.0.1:$PORT
NOTICE=$(grep -o -- '--notice [0-9]*' "$TMP/incasso.out" | awk '{print $2}')
[[ -n $NOTICE ]] || die "no demo notice printed by serve --demo"

# A CSRF cookie and its token, as a browser gets them from the form.
curl -s -c "$TMP/jar" "$BASE/paga" >"$TMP/paga.html"
export PORTAL_CSRF PORTAL_COOKIE PORTAL_NOTICE=$NOTICE PORTAL_CF=$CF
PORTAL_CSRF=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$TMP/paga.html" | head -1 | sed 's/.*value="//;s/"//')
PORTAL_COOKIE="incasso_csrf=$(awk '$6 == "incasso_csrf" {print $7}' "$TMP/jar")"
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $PORTAL_COOKIE" \
  --data "csrf=$PORTAL_CSRF&avviso=$NOTICE&cf=$CF" "$BASE/paga")
[[ $status == 200 ]] || die "POST /paga answered $status, expected 200"

run() {
  local name=$1
  shift
  say "== $name: wrk -t$WRK_THREADS -c$CONNS -d${DURATION}s --latency $*"
  wrk -t"$WRK_THREADS" -c"$CONNS" -d"${DURATION}s" --latency "$@" |
    grep -E 'Requests/sec|Latency  |50%|90%|99%|non-2xx|Socket errors|requests in'
}
run "home GET /" "$BASE/"
run "institution GET /enti/comune-valdimonte" "$BASE/enti/comune-valdimonte"
run "notice look-up POST /paga" -s "$HERE/lookup.lua" "$BASE/paga"
