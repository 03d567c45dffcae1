# shellcheck shell=bash
# Shared by bench/api/run.sh and bench/portal/run.sh (sourced, not run): messages, the tools wrk
# needs, a temp dir removed on exit (KEEP_TMP=1 keeps it) together with the server, and the port
# the server prints. The caller sets INCASSO and KEEP_TMP first.

say() { printf '%s\n' "$*" >&2; }
die() { say "run.sh: $*"; exit 1; }

# Stops with a message unless the incasso binary, wrk and curl are there.
bench_check_tools() {
  [[ -x $INCASSO ]] || die "no incasso binary at $INCASSO (build it, or set INCASSO)"
  command -v wrk >/dev/null || die "wrk is missing: apt-get install -y wrk"
  command -v curl >/dev/null || die "curl is missing: apt-get install -y curl"
}

# TMP: a new temp dir `$2/$1.XXXXXX` ($2 defaults to /tmp). On exit the server INCASSO_PID (set it
# once started) is stopped and TMP removed.
bench_temp_dir() {
  TMP=$(mktemp -d "${2:-/tmp}/$1.XXXXXX")
  INCASSO_PID=""
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_cleanup() {
  local rc=$?
  if [[ -n $INCASSO_PID ]]; then kill "$INCASSO_PID" 2>/dev/null && wait "$INCASSO_PID" || true; fi
  if [[ $KEEP_TMP == 1 ]]; then say "temp dir kept: $TMP"; else rm -rf "$TMP"; fi
  exit "$rc"
}

# PORT: the port the server INCASSO_PID prints to the file $1 ("listening on ..."), waiting up to
# 20 s; stops with the end of $TMP/incasso.log if the server exits first.
bench_wait_port() {
  PORT=""
  for _ in $(seq 1 200); do
    PORT=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$1" | grep -o '[0-9]*$' || true)
    [[ -n $PORT ]] && break
    kill -0 "$INCASSO_PID" 2>/dev/null || die "incasso serve exited: $(tail -3 "$TMP/incasso.log")"
    sleep 0.1
  done
  [[ -n $PORT ]] || die "incasso serve did not start"
}
