# shellcheck shell=bash
# A throwaway PostgreSQL 15 cluster for the PostgreSQL tests. Source it, then:
#
#   pg_start  initdb a fresh cluster in a new temporary directory, start it listening on a unix
#             socket in that directory and on 127.0.0.1 at the first free port from 54320 up,
#             create the database incasso_test, and export
#               INCASSO_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:PORT/incasso_test
#               INCASSO_PG_DIR (the directory), INCASSO_PG_PORT.
#             Returns non-zero (after printing the server log) if the cluster cannot be started.
#             INCASSO_PG_EXTRA_CONF, if set, holds extra postgresql.conf lines appended after ours
#             (e.g. the bulk-load settings of bench/import/run.sh); unset for the tests.
#   pg_stop   stop that cluster and delete its directory. Idempotent; safe after a failed or
#             partial pg_start. Call it from an EXIT trap.
#
# initdb refuses to run as root, so as root the cluster runs as the `postgres` system user that the
# Debian postgresql-15 package creates; as any other user it runs as that user. Either way the
# superuser role is `postgres` and every local and loopback connection is trusted (the server
# listens on nothing else). Durability settings (fsync, synchronous_commit, full_page_writes) keep
# PostgreSQL's defaults on purpose: some tests check that committed data survives.
# Any Debian-managed cluster (the package's "main" one) is left alone.

INCASSO_PG_BIN=${INCASSO_PG_BIN:-/usr/lib/postgresql/15/bin}
INCASSO_PG_FIRST_PORT=${INCASSO_PG_FIRST_PORT:-54320}
INCASSO_PG_PORT_TRIES=${INCASSO_PG_PORT_TRIES:-100}

# Runs a command as the owner of the cluster, from inside its directory (the postgres user may not
# be allowed into the caller's working directory).
_pg_as_owner() {
  local dir=$1
  shift
  if ((EUID == 0)); then
    local runuser
    runuser=$(command -v runuser || echo /usr/sbin/runuser)
    (cd -- "$dir" && "$runuser" -u postgres -- "$@")
  else
    (cd -- "$dir" && "$@")
  fi
}

# True when something already accepts TCP connections on 127.0.0.1:$1.
_pg_port_busy() {
  (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pg_start() {
  local bin=$INCASSO_PG_BIN
  local tool
  for tool in initdb pg_ctl createdb; do
    if [[ ! -x $bin/$tool ]]; then
      echo "pg_start: $bin/$tool not found; run scripts/install-deps.sh --test" >&2
      return 1
    fi
  done
  if [[ -n ${INCASSO_PG_DIR:-} && -d ${INCASSO_PG_DIR:-} ]]; then
    echo "pg_start: a cluster is already running in $INCASSO_PG_DIR" >&2
    return 1
  fi

  # As root the directory must be reachable by the postgres user: /tmp, not root's own TMPDIR.
  # Kept short: a unix socket path is limited to about 100 bytes.
  local parent=/tmp
  if ((EUID != 0)) && [[ -n ${TMPDIR:-} && ${#TMPDIR} -lt 60 ]]; then
    parent=$TMPDIR
  fi
  local dir
  dir=$(mktemp -d "$parent/incasso-pg.XXXXXX") || return 1
  export INCASSO_PG_DIR=$dir
  if ((EUID == 0)); then
    if ! id postgres >/dev/null 2>&1; then
      echo "pg_start: no 'postgres' system user; run scripts/install-deps.sh --test" >&2
      return 1
    fi
    chown postgres:postgres "$dir" || return 1
  fi

  if ! _pg_as_owner "$dir" "$bin/initdb" --pgdata="$dir/data" --username=postgres \
    --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1; then
    echo "pg_start: initdb failed:" >&2
    cat "$dir/initdb.log" >&2
    return 1
  fi
  # Loopback and the private socket directory only. Appending keeps the file's owner.
  {
    echo "# incasso throwaway test cluster (scripts/lib/pg.sh)"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$dir'"
    if [[ -n ${INCASSO_PG_EXTRA_CONF:-} ]]; then
      echo "# INCASSO_PG_EXTRA_CONF"
      printf '%s\n' "$INCASSO_PG_EXTRA_CONF"
    fi
  } >>"$dir/data/postgresql.conf"

  local port last=$((INCASSO_PG_FIRST_PORT + INCASSO_PG_PORT_TRIES - 1))
  local started=0 log
  for ((port = INCASSO_PG_FIRST_PORT; port <= last; port++)); do
    _pg_port_busy "$port" && continue
    log="$dir/server-$port.log"
    if _pg_as_owner "$dir" "$bin/pg_ctl" --pgdata="$dir/data" --log="$log" \
      --options="-p $port" --wait --timeout=60 start >"$dir/pg_ctl.out" 2>&1; then
      started=1
      break
    fi
    # Lost a race for the port with another process: try the next one.
    if grep -qE 'could not bind|could not create any TCP/IP sockets' "$log" 2>/dev/null; then
      _pg_as_owner "$dir" "$bin/pg_ctl" --pgdata="$dir/data" --mode=immediate stop \
        >/dev/null 2>&1 || true
      continue
    fi
    echo "pg_start: the server did not start:" >&2
    cat "$dir/pg_ctl.out" "$log" >&2 2>/dev/null || true
    return 1
  done
  if ((!started)); then
    echo "pg_start: no free port in $INCASSO_PG_FIRST_PORT..$last" >&2
    return 1
  fi
  export INCASSO_PG_PORT=$port

  if ! "$bin/createdb" --host=127.0.0.1 --port="$port" --username=postgres incasso_test; then
    echo "pg_start: could not create database incasso_test" >&2
    return 1
  fi
  export INCASSO_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/incasso_test"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') started in $dir" \
    "(port $port, log $log)"
  echo "INCASSO_TEST_POSTGRES_URL=$INCASSO_TEST_POSTGRES_URL"
}

pg_stop() {
  local dir=${INCASSO_PG_DIR:-}
  unset INCASSO_PG_DIR INCASSO_PG_PORT INCASSO_TEST_POSTGRES_URL
  [[ -n $dir && -d $dir ]] || return 0
  case "$dir" in
    */incasso-pg.*) ;;
    *) echo "pg_stop: refusing to remove unexpected directory '$dir'" >&2; return 1 ;;
  esac
  local bin=$INCASSO_PG_BIN
  local pidfile="$dir/data/postmaster.pid"
  if [[ -f $pidfile ]]; then
    local pid
    pid=$(head -n 1 "$pidfile" 2>/dev/null || true)
    if ! _pg_as_owner "$dir" "$bin/pg_ctl" --pgdata="$dir/data" --mode=fast --wait \
      --timeout=30 stop >/dev/null 2>&1 &&
      ! _pg_as_owner "$dir" "$bin/pg_ctl" --pgdata="$dir/data" --mode=immediate --wait \
        --timeout=30 stop >/dev/null 2>&1; then
      # Last resort: the postmaster of this cluster (its command line names our data
      # directory), by its pid; never any other postgres process.
      if [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] &&
        tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/data"; then
        echo "pg_stop: pg_ctl could not stop the server; killing postmaster $pid" >&2
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
  fi
  rm -rf -- "$dir"
  echo "PostgreSQL test cluster stopped; $dir removed."
}
