#!/usr/bin/env bash
# Station load test (STYLE.md rule 16: a benchmark, not a test; it prints its figures and the
# machine). Measures incasso's pagoPA station (POST /pagopa/paForNode) on the SQLite default with
# POSITIONS valid debt positions, against nginx serving a static answer of the same size, with wrk
# on the same machine (both servers share the cores with the load generator).
#
#   bench/station/run.sh                       # build, seed 100,000 positions, run everything
#   SKIP_BUILD=1 DURATION=10 bench/station/run.sh
#
# Environment (defaults in brackets):
#   POSITIONS [100000]   debt positions seeded (one option each, 1 or 2 transfers)
#   DURATION [20]        seconds per verify / getpayment / static run
#   RT_DURATION [10]     seconds per paSendRTV2 run (each notice is paid once: every run has its
#                        own share of the notices and stops early, flagged "ex", if it runs out)
#   CONNS ["32 8"]       wrk connection counts; the first one is also run at log level info
#   WRK_THREADS [2]      wrk threads
#   INFO_RUN [1]         0 skips the runs with incasso's default log level (info)
#   RETRY_WINDOW [1000]  receipts re-sent per wrk thread after a paSendRTV2 run (see below)
#   SKIP_BUILD [0]       1 uses the binaries already in build/release
#   SEED_ON_DISK [0]     1 seeds on disk instead of /dev/shm (slow: two fsyncs per position)
#   KEEP_TMP [0]         1 keeps the temp dir (database, logs, wrk outputs)
#
# Durable receipts: after every paSendRTV2 run the database must hold every receipt wrk sent,
# exactly once. Answers cut off when wrk stops (requests in flight) are settled the way the node
# does it: the last RETRY_WINDOW receipts of each wrk thread are re-sent one by one, and each must
# be answered OK (it was not stored) or PAA_RECEIPT_DUPLICATA (it was). The script checks
#   receipts in the DB before the retry == sent - retried OK,   after the retry == sent,
# and that no notice has two receipts.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/bench/station
POSITIONS=${POSITIONS:-100000}
DURATION=${DURATION:-20}
RT_DURATION=${RT_DURATION:-10}
CONNS=${CONNS:-"32 8"}
WRK_THREADS=${WRK_THREADS:-2}
INFO_RUN=${INFO_RUN:-1}
RETRY_WINDOW=${RETRY_WINDOW:-1000}
SKIP_BUILD=${SKIP_BUILD:-0}
SEED_ON_DISK=${SEED_ON_DISK:-0}
KEEP_TMP=${KEEP_TMP:-0}
INCASSO=$ROOT/build/release/src/bin/incasso
SEED=$ROOT/build/release/bench/station_seed
HIGH_CONNS=${CONNS%% *}

say() { printf '%s\n' "$*" >&2; }
die() { say "run.sh: $*"; exit 1; }
field() { grep -o "$2=[0-9.]*" <<<"$1" | head -1 | cut -d= -f2; }

# --- build and tools -------------------------------------------------------------------------
if [[ $SKIP_BUILD != 1 ]]; then
  say "== building (release preset): incasso station_seed"
  (cd "$ROOT" && cmake --preset release >/dev/null &&
    cmake --build --preset release --target incasso station_seed) >&2
fi
[[ -x $INCASSO && -x $SEED ]] || die "missing $INCASSO or $SEED (run without SKIP_BUILD=1)"
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx-light)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
command -v curl >/dev/null || missing+=(curl)
command -v python3 >/dev/null || missing+=(python3)
if ((${#missing[@]})); then
  say "== installing ${missing[*]}"
  apt-get install -y "${missing[@]}" >&2 || die "cannot install ${missing[*]}"
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# --- temp dir and cleanup: only what this script started, by pid -----------------------------
TMP=$(mktemp -d /tmp/incasso-station-bench.XXXXXX)
chmod 755 "$TMP"  # nginx workers read the static files
SEED_DIR=""
INCASSO_PID=""
NGINX_PID=""
cleanup() {
  local rc=$?
  if [[ -n $INCASSO_PID ]]; then kill "$INCASSO_PID" 2>/dev/null && wait "$INCASSO_PID"; fi
  if [[ -n $NGINX_PID ]]; then kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID"; fi
  if [[ -n $SEED_DIR && $SEED_DIR != "$TMP" ]]; then rm -rf "$SEED_DIR"; fi
  if [[ $KEEP_TMP == 1 ]]; then say "temp dir kept: $TMP"; else rm -rf "$TMP"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

DB=$TMP/bench.db
NAVS=$TMP/navs.tsv
RESULTS=$TMP/results.tsv  # one row per wrk run
: >"$RESULTS"
: >"$TMP/top.tsv"

# --- machine ---------------------------------------------------------------------------------
CPU_MODEL=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
COMMIT=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
LOADS=()
load_now() { cut -d' ' -f1-3 /proc/loadavg; }
note_load() { LOADS+=("$1: $(load_now)"); }
note_load "start"
say "== machine: $(nproc) cpus, $CPU_MODEL; load average $(load_now); commit $COMMIT"
say "   busiest processes now (top, % of one core): $(top -b -n 2 -d 1 -w 120 |
  awk '/^top -/ {n++} n == 2 && $1 ~ /^[0-9]+$/ && $9 + 0 >= 5 {printf "%s %s%% ", $12, $9}')"

# --- seed ------------------------------------------------------------------------------------
# Seeding is not what this measures: every CreatePosition commits twice with an fsync, which on
# this VM's disk ran at ~440 positions/s (~4 minutes for 100,000). When /dev/shm has room, seed
# there (fsync is free on tmpfs) and move the finished file (WAL checkpointed at close) to $TMP,
# on disk, where incasso serves it.
SEED_DIR=$TMP
if [[ $SEED_ON_DISK != 1 && -d /dev/shm ]] &&
  (($(df -Pk /dev/shm | awk 'NR == 2 {print $4}') > POSITIONS * 4 + 102400)); then
  SEED_DIR=$(mktemp -d /dev/shm/incasso-station-seed.XXXXXX)
fi
say "== seeding $POSITIONS positions into sqlite:$SEED_DIR/bench.db"
SEED_OUT=$("$SEED" "sqlite:$SEED_DIR/bench.db" "$POSITIONS" "$NAVS") || die "seeding failed"
say "$SEED_OUT"
SEED_LINE="$(head -1 <<<"$SEED_OUT") in $SEED_DIR"
if [[ $SEED_DIR != "$TMP" ]]; then
  [[ ! -e $SEED_DIR/bench.db-wal ]] || die "the seeded database was not checkpointed"
  mv "$SEED_DIR/bench.db" "$DB"
  rm -rf "$SEED_DIR"
  SEED_DIR=$TMP
fi
[[ $(wc -l <"$NAVS") -eq $POSITIONS ]] || die "the nav file does not hold $POSITIONS lines"

# --- incasso ---------------------------------------------------------------------------------
INCASSO_URL=""
INCASSO_LEVEL=""
start_incasso() {  # $1 = log level; logs go to a file in $TMP, like a service's journal
  INCASSO_LEVEL=$1
  local out=$TMP/incasso-$1.out log=$TMP/incasso-$1.log port=""
  env -u INCASSO_CONFIG INCASSO_DATABASE_URL="sqlite:$DB" INCASSO_HTTP_HOST=127.0.0.1 \
    INCASSO_HTTP_PORT=0 INCASSO_LOG_LEVEL="$1" "$INCASSO" serve >"$out" 2>>"$log" &
  INCASSO_PID=$!
  for _ in $(seq 1 200); do
    port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$out" | grep -o '[0-9]*$' || true)
    [[ -n $port ]] && break
    kill -0 "$INCASSO_PID" 2>/dev/null || die "incasso serve exited: $(tail -3 "$log")"
    sleep 0.1
  done
  [[ -n $port ]] || die "incasso serve did not start"
  INCASSO_URL=http://127.0.0.1:$port
  curl -fsS "$INCASSO_URL/readyz" >/dev/null || die "incasso is not ready"
  say "== incasso serve (log level $1) at $INCASSO_URL, pid $INCASSO_PID"
}
stop_incasso() {  # graceful: the event log is flushed before it exits
  kill -TERM "$INCASSO_PID"
  wait "$INCASSO_PID" || true
  INCASSO_PID=""
}

# --- wrk, with the cpu time of the server, of wrk and of everything else ---------------------
proc_ticks() {  # utime + stime of the given pids, in clock ticks
  local t=0 p
  for p in "$@"; do
    if [[ -r /proc/$p/stat ]]; then t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); fi
  done
  echo "$t"
}
cpu_ticks() {  # all, idle + iowait, steal
  awk '/^cpu / {print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $5 + $6, $9}' /proc/stat
}
server_pids() {
  if [[ $1 == nginx ]]; then
    echo "$NGINX_PID" "$(pgrep -d' ' -P "$NGINX_PID" || true)"
  else
    echo "$INCASSO_PID"
  fi
}

# run_wrk NAME SERVER OP CONNS DURATION URL SCRIPT ARGS...: one row in $RESULTS
run_wrk() {
  local name=$1 server=$2 op=$3 conns=$4 dur=$5 url=$6 script=$7
  shift 7
  local out=$TMP/wrk-$name.txt hz pids s0 s1 t0 t1 wrk_cpu top_pid line
  hz=$(getconf CLK_TCK)
  pids=$(server_pids "$server")
  read -r -a t0 < <(cpu_ticks)
  # shellcheck disable=SC2086  # a list of pids
  s0=$(proc_ticks $pids)
  # Halfway through: what else uses the cpus (other engineers' builds disturb the figures).
  (
    sleep "$((dur / 2))"
    top -b -n 2 -d 1 -w 120 | awk '/^top -/ {n++}
      n == 2 && $1 ~ /^[0-9]+$/ && $9 + 0 >= 5 {printf "%s %s%% ", $12, $9}' >"$out.top"
  ) &
  top_pid=$!
  local TIMEFORMAT='%U %S'
  { time wrk -t"$WRK_THREADS" -c"$conns" -d"${dur}s" --latency -s "$HERE/$script" "$url" \
    -- "$@" >"$out"; } 2>"$out.time"
  # shellcheck disable=SC2086
  s1=$(proc_ticks $pids)
  read -r -a t1 < <(cpu_ticks)
  wrk_cpu=$(awk '{print $1 + $2}' "$out.time")
  wait "$top_pid" || true
  line=$(grep '^RESULT ' "$out" || true)
  [[ -n $line ]] || die "wrk $name printed no RESULT (see $out): $(tail -5 "$out")"
  # CPU as % of one core over the run: the server, wrk, every other process, and steal.
  local cpu
  cpu=$(awk -v hz="$hz" -v n="$(nproc)" -v tt="$((t1[0] - t0[0]))" -v idle="$((t1[1] - t0[1]))" \
    -v st="$((t1[2] - t0[2]))" -v sv="$((s1 - s0))" -v wk="$wrk_cpu" 'BEGIN {
      w = tt / n; other = tt - idle - st - sv - wk * hz; if (other < 0) other = 0;
      printf "%.0f/%.0f/%.0f/%.0f", 100 * sv / w, 100 * wk * hz / w, 100 * other / w, 100 * st / w
    }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$server" "$op" "$conns" "${INCASSO_LEVEL:--}" \
    "$line" "$cpu" "$(load_now)" >>"$RESULTS"
  printf '%s\t%s\n' "$name" "$(cat "$out.top")" >>"$TMP/top.tsv"
  say "   $name: $(field "$line" rps) req/s, p99 $(field "$line" p99_ms) ms," \
    "$(field "$line" bad) non-OK; cpu server/wrk/other/steal $cpu%; top: $(cat "$out.top")"
  if grep -q '^SAMPLE' "$out"; then say "   first non-OK answer: $(grep '^SAMPLE' "$out")"; fi
}

# --- capture real answers, then nginx with static files of the same sizes --------------------
mkdir -p "$TMP/www" "$TMP/nginx-tmp"
start_incasso warn
LAST=$((POSITIONS - 1))  # the notice paid by the sendrt capture; no run uses it
capture() {  # OP NOTICE_INDEX
  wrk -t1 -c1 -d1s -s "$HERE/capture.lua" "$INCASSO_URL" -- "$NAVS" 1 "$2" 1 "$1" \
    "$TMP/www/$1.xml" >"$TMP/capture-$1.txt"
  grep -q '<outcome>OK</outcome>' "$TMP/www/$1.xml" ||
    die "capture $1: $(head -c 300 "$TMP/www/$1.xml")"
}
capture verify 1
capture getpayment 1  # notice 1 has two transfers
capture sendrt "$LAST"
chmod 644 "$TMP"/www/*.xml
size() { stat -c%s "$TMP/www/$1.xml"; }
SIZES="verify $(size verify) B, getpayment $(size getpayment) B (2 transfers),"
SIZES+=" sendrt $(size sendrt) B"
say "== answer bodies captured from incasso: $SIZES"

NGINX_PORT=$(free_port)
NGINX_URL=http://127.0.0.1:$NGINX_PORT
{
  if [[ $(id -u) == 0 ]]; then echo "user root;"; fi
  cat <<EOF
worker_processes auto;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log warn;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nodelay on;
  keepalive_requests 100000000;
  open_file_cache max=16;
  client_body_temp_path $TMP/nginx-tmp/body;
  proxy_temp_path $TMP/nginx-tmp/proxy;
  fastcgi_temp_path $TMP/nginx-tmp/fastcgi;
  uwsgi_temp_path $TMP/nginx-tmp/uwsgi;
  scgi_temp_path $TMP/nginx-tmp/scgi;
  types { }
  default_type "text/xml; charset=utf-8";
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $TMP/www;
    location / {
      # The static module refuses POST with 405: answer it with the file instead (nginx reads and
      # discards the SOAP request, as incasso reads it).
      error_page 405 =200 \$uri;
      # incasso's response headers, so that the answers have the same size on the wire too.
      add_header X-Content-Type-Options nosniff;
      add_header X-Frame-Options DENY;
      add_header Referrer-Policy no-referrer;
      add_header Content-Security-Policy "default-src 'self'; frame-ancestors 'none'";
      add_header Cache-Control no-store;
      add_header X-Request-Id 0123456789abcdef;
    }
  }
}
EOF
} >"$TMP/nginx.conf"
"$NGINX" -c "$TMP/nginx.conf" -p "$TMP" 2>>"$TMP/nginx-error.log" &
NGINX_PID=$!
for _ in $(seq 1 100); do
  curl -fsS -X POST --data x "$NGINX_URL/verify.xml" >/dev/null 2>&1 && break
  kill -0 "$NGINX_PID" 2>/dev/null || die "nginx exited: $(tail -3 "$TMP/nginx-error.log")"
  sleep 0.1
done
cmp -s <(curl -fsS -X POST --data x "$NGINX_URL/verify.xml") "$TMP/www/verify.xml" ||
  die "nginx does not serve the captured body"
NGINX_VERSION=$("$NGINX" -v 2>&1 | grep -o '[0-9.]*$')
say "== nginx $NGINX_VERSION at $NGINX_URL (worker_processes auto), pid $NGINX_PID"

# --- reads: log level warn, then info --------------------------------------------------------
READS=$((POSITIONS - 1))  # every notice but the last, paid by the capture
events_total() { sqlite3 "$DB" "SELECT count(*) FROM event_log WHERE channel = 'soap'"; }
answered() { field "$(grep '^RESULT' "$TMP/wrk-$1.txt")" requests; }
ANSWERED=0
note_load "reads (warn)"
for conns in $CONNS; do
  for op in verify getpayment; do
    run_wrk "$op-c$conns-warn" incasso $op "$conns" "$DURATION" "$INCASSO_URL" $op.lua \
      "$NAVS" "$WRK_THREADS" 0 "$READS"
    ANSWERED=$((ANSWERED + $(answered "$op-c$conns-warn")))
    run_wrk "static-$op-c$conns" nginx $op "$conns" "$DURATION" "$NGINX_URL/$op.xml" static.lua \
      "$NAVS" "$WRK_THREADS" 0 "$READS" $op
  done
done
stop_incasso
EVENT_CHECKS=("reads at warn: $ANSWERED answered, $(events_total) soap events logged (+3 captures)")
if [[ $INFO_RUN == 1 ]]; then
  start_incasso info
  note_load "reads (info)"
  before=$(events_total)
  ANSWERED=0
  for op in verify getpayment; do
    run_wrk "$op-c$HIGH_CONNS-info" incasso $op "$HIGH_CONNS" "$DURATION" "$INCASSO_URL" \
      $op.lua "$NAVS" "$WRK_THREADS" 0 "$READS"
    ANSWERED=$((ANSWERED + $(answered "$op-c$HIGH_CONNS-info")))
  done
  stop_incasso
  logged=$(($(events_total) - before))
  EVENT_CHECKS+=("reads at info: $ANSWERED answered, $logged soap events logged")
fi

# --- paSendRTV2: each run pays its own share of the notices, once ----------------------------
RT_RUNS=()
for conns in $CONNS; do RT_RUNS+=("warn:$conns"); done
if [[ $INFO_RUN == 1 ]]; then RT_RUNS+=("info:$HIGH_CONNS"); fi
SHARE=$((READS / ${#RT_RUNS[@]}))
RECEIPT_CHECKS=()
receipts_of() {  # TAG -> "count distinct_notices"
  sqlite3 -separator ' ' "$DB" \
    "SELECT count(*), count(DISTINCT notice_number) FROM receipt WHERE receipt_id LIKE 'B$1N%'"
}
k=0
for run in "${RT_RUNS[@]}"; do
  level=${run%%:*}
  conns=${run##*:}
  first=$((k * SHARE))
  tag=r$k
  k=$((k + 1))
  if [[ -z $INCASSO_PID || $INCASSO_LEVEL != "$level" ]]; then
    if [[ -n $INCASSO_PID ]]; then stop_incasso; fi
    start_incasso "$level"
  fi
  note_load "sendrt c$conns ($level)"
  name=sendrt-c$conns-$level
  run_wrk "$name" incasso sendrt "$conns" "$RT_DURATION" "$INCASSO_URL" sendrt.lua \
    "$NAVS" "$WRK_THREADS" "$first" "$SHARE" $tag
  if [[ $level == warn ]]; then
    run_wrk "static-sendrt-c$conns" nginx sendrt "$conns" "$RT_DURATION" "$NGINX_URL/sendrt.xml" \
      static.lua "$NAVS" "$WRK_THREADS" 0 "$READS" sendrt
  fi
  # Settle the answers cut off by wrk's stop: re-send each thread's last RETRY_WINDOW receipts.
  line=$(grep '^RESULT' "$TMP/wrk-$name.txt")
  sent=$(field "$line" sent)
  ok=$(field "$line" ok)
  read -r db_before _ < <(receipts_of $tag)
  ranges=$(awk -v w="$RETRY_WINDOW" '/^SLICE/ {
      for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      if (v["sent"] > 0) {
        lo = v["lo"] + v["sent"] - w; if (lo < v["lo"]) lo = v["lo"]
        printf "%s%d-%d", sep, lo, v["lo"] + v["sent"] - 1; sep = ","
      } }' "$TMP/wrk-$name.txt")
  wrk -t1 -c1 -d"$((RETRY_WINDOW * WRK_THREADS / 400 + 3))s" -s "$HERE/sendrt.lua" \
    "$INCASSO_URL" -- "$NAVS" 1 0 0 $tag retry "$ranges" >"$TMP/wrk-$name-retry.txt"
  rline=$(grep '^RESULT' "$TMP/wrk-$name-retry.txt")
  r_ok=$(field "$rline" ok)
  r_bad=$(field "$rline" bad)
  r_dup=$(field "$rline" dup)
  r_sent=$(field "$rline" sent)
  read -r db_after distinct_after < <(receipts_of $tag)
  verdict=OK
  ((db_before == sent - r_ok)) || verdict=MISMATCH
  ((db_after == sent && distinct_after == db_after)) || verdict=MISMATCH
  ((r_ok + r_bad == r_sent && r_bad == r_dup)) || verdict=MISMATCH  # every retry answered
  RECEIPT_CHECKS+=("$name: wrk sent $sent receipts, $ok answered OK; the DB held $db_before \
(OK answers + $((db_before - ok)) committed while wrk stopped). Node-style retry of the last \
$r_sent: $r_ok OK, $r_dup DUPLICATA, $((r_bad - r_dup)) other; the DB now holds $db_after \
receipts for $distinct_after notices -> $verdict")
done
stop_incasso
note_load "end"
PAID=$(sqlite3 "$DB" "SELECT count(*) FROM payment_option WHERE status = 'PO_PAID'")
ALL_RECEIPTS=$(sqlite3 "$DB" "SELECT count(*) FROM receipt")
KINDS=$(sqlite3 "$DB" "SELECT group_concat(kind || ' ' || n, ', ')
  FROM (SELECT kind, count(*) AS n FROM receipt GROUP BY kind)")
OUTBOX=$(sqlite3 "$DB" "SELECT count(*) FROM outbox")
TMP_SIZE=$(du -sh "$TMP" | cut -f1)

# --- summary ---------------------------------------------------------------------------------
row() { printf '%-22s %-7s %5s %-4s %8s %8s %6s %6s %7s %6s %7s %-15s %s\n' "$@"; }
# shellcheck disable=SC2094  # $RESULTS is only read below; tee writes summary.txt
{
  echo
  echo "== incasso station load test, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cpus ($CPU_MODEL), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' \
    /proc/meminfo), $(uname -sr); commit $COMMIT (the working tree may differ)"
  echo "load:    wrk $(wrk -v 2>&1 | awk 'NR == 1 {print $2}') -t$WRK_THREADS on the same cpus," \
    "keep-alive, closed loop; nginx $NGINX_VERSION, worker_processes auto"
  echo "data:    $SEED_LINE"
  echo "         then served from sqlite:$DB (WAL, synchronous=FULL); temp dir $TMP_SIZE at the end"
  echo "answers: $SIZES; nginx serves files of these sizes with incasso's headers"
  echo
  row run server conns log "req/s" "OK/s" "p50ms" "p99ms" "max ms" errors "x nginx" \
    "cpu srv/wrk/oth/st" ""
  while IFS=$'\t' read -r name server op conns level line cpu _; do
    okps=$(field "$line" okps)
    errors=$(($(field "$line" bad) + $(field "$line" sock_errors) + $(field "$line" timeouts)))
    if [[ $(field "$line" exhausted) != 0 ]]; then errors="$errors ex"; fi
    ratio="-"
    if [[ $server == incasso ]]; then
      base=$(awk -F'\t' -v op="$op" -v c="$conns" \
        '$2 == "nginx" && $3 == op && $4 == c {print $6}' "$RESULTS")
      if [[ -n $base ]]; then
        ratio=$(awk -v a="$okps" -v b="$(field "$base" rps)" 'BEGIN {printf "%.3f", a / b}')
      fi
    fi
    row "$name" "$server" "$conns" "$level" "$(field "$line" rps)" "$okps" \
      "$(field "$line" p50_ms)" "$(field "$line" p99_ms)" "$(field "$line" max_ms)" "$errors" \
      "$ratio" "$cpu%" ""
  done <"$RESULTS"
  echo "errors: non-OK answers + socket errors + timeouts ('ex': a thread ran out of notices, the"
  echo "  rate is then a lower bound). x nginx: incasso OK/s over nginx req/s, same request mix and"
  echo "  connections; when wrk uses ~100% cpu in the nginx run, nginx is held back by wrk and the"
  echo "  ratio flatters incasso. cpu: % of one core over the run for the server, wrk, every other"
  echo "  process, and steal (of $(($(nproc) * 100))%)."
  echo
  echo "targets (issue): paVerifyPaymentNotice and paGetPaymentV2 >= 10,000 req/s with p99"
  echo "  <= 10 ms; paSendRTV2 >= 2,000 durable receipts/s (c$HIGH_CONNS, log level warn):"
  while IFS=$'\t' read -r name server op conns level line _; do
    [[ $server == incasso && $conns == "$HIGH_CONNS" && $level == warn ]] || continue
    okps=$(field "$line" okps)
    p99=$(field "$line" p99_ms)
    if [[ $op == sendrt ]]; then
      verdict=$(awk -v a="$okps" 'BEGIN {print (a >= 2000) ? "MET" : "NOT MET"}')
      echo "  $name: $okps receipts/s -> $verdict"
    else
      verdict=$(awk -v a="$okps" -v p="$p99" \
        'BEGIN {print (a >= 10000 && p <= 10) ? "MET" : "NOT MET"}')
      echo "  $name: $okps req/s, p99 $p99 ms -> $verdict"
    fi
  done <"$RESULTS"
  echo
  echo "durable receipts:"
  for c in "${RECEIPT_CHECKS[@]}"; do echo "  $c"; done
  echo "  whole DB: $ALL_RECEIPTS receipts ($KINDS), $PAID options paid, $OUTBOX outbox rows"
  echo "event log (written in the background by the EventRecorder):"
  for c in "${EVENT_CHECKS[@]}"; do echo "  $c"; done
  echo "busiest processes halfway through each run (top, % of one core, >= 5%):"
  while IFS=$'\t' read -r name procs; do
    printf '  %-22s %s\n' "$name" "$procs"
  done <"$TMP/top.tsv"
  echo "load average (1/5/15 min) at the start of each phase (it counts incasso's own threads):"
  for l in "${LOADS[@]}"; do echo "  $l"; done
} | tee "$TMP/summary.txt"
