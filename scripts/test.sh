#!/usr/bin/env bash
# Installs, builds and runs every test; what CI runs (.ci/run). Works from any directory, as root
# or as a user with sudo, and can be re-run at will (builds are incremental, ccache is used when
# installed).
#
#   1. dependencies: scripts/install-deps.sh --test (build packages plus PostgreSQL 15)
#   2. a throwaway PostgreSQL 15 cluster (scripts/lib/pg.sh), exported to the tests as
#      INCASSO_TEST_POSTGRES_URL; stopped and deleted on exit, whatever happens
#   3. release build (RelWithDebInfo, every target) and every test: ctest --preset release
#   4. debug build with AddressSanitizer + UndefinedBehaviorSanitizer and the unit tests:
#      ctest --preset debug
#
# Every stage runs even if an earlier build or test stage failed; the exit status is non-zero
# if any failed, and a summary lists them. INCASSO_JOBS sets the build parallelism (default:
# the number of cores).
set -euo pipefail

repo_root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
# shellcheck source=scripts/lib/pg.sh
source scripts/lib/pg.sh

jobs=${INCASSO_JOBS:-$(nproc)}
started_at=$SECONDS
failed=()
passed=()

finish() {
  local status=$?
  pg_stop || status=1
  exit "$status"
}
trap finish EXIT
# Turn signals into a normal exit so that the EXIT trap stops the cluster.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# run_stage NAME COMMAND...: runs one stage under a header and records how it went.
run_stage() {
  local name=$1
  shift
  section "$name"
  local t0=$SECONDS
  if "$@"; then
    passed+=("$name ($((SECONDS - t0))s)")
    return 0
  fi
  failed+=("$name")
  echo "FAILED: $name"
  return 1
}

# run_ctest PRESET: runs one test preset, keeping its output to count passes and failures.
tests_passed=0
tests_failed=0
run_ctest() {
  local preset=$1
  local log="$repo_root/build/$preset/ctest-output.log"
  # --no-tests=error: a build that registered no test must not look like a green run.
  ctest --preset "$preset" --no-tests=error 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  local counts
  counts=$(sed -n 's/.*tests passed, \([0-9]*\) tests\{0,1\} failed out of \([0-9]*\).*/\1 \2/p' "$log" |
    tail -n 1)
  if [[ -n $counts ]]; then
    local failed_count=${counts% *} total=${counts#* }
    tests_passed=$((tests_passed + total - failed_count))
    tests_failed=$((tests_failed + failed_count))
  fi
  return "$status"
}

configure_and_build() {
  local preset=$1
  reset_stale_cmake_cache "$repo_root/build/$preset" "$repo_root"
  cmake --preset "$preset" && cmake --build --preset "$preset" --parallel "$jobs"
}

section "incasso test run: $(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo 'no git'), $(nproc) cores, $jobs build jobs"

# Without the packages nothing else can run.
run_stage "Install dependencies" bash scripts/install-deps.sh --test || exit 1

run_stage "Start throwaway PostgreSQL 15" pg_start || true
if [[ -z ${INCASSO_TEST_POSTGRES_URL:-} ]]; then
  echo "WARNING: no PostgreSQL test cluster: the PostgreSQL tests will skip, and this run fails."
fi

if run_stage "Release: configure and build" configure_and_build release; then
  run_stage "Release: all tests (ctest --preset release)" run_ctest release || true
fi

if run_stage "Debug (ASan+UBSan): configure and build" configure_and_build debug; then
  run_stage "Debug (ASan+UBSan): unit tests (ctest --preset debug)" run_ctest debug || true
fi

if command -v ccache >/dev/null 2>&1; then
  section "ccache"
  ccache --show-stats || true
fi

section "Stop PostgreSQL"
pg_stop || failed+=("Stop PostgreSQL")

section "Summary ($((SECONDS - started_at))s)"
for stage in "${passed[@]}"; do
  echo "ok      $stage"
done
for stage in "${failed[@]}"; do
  echo "FAILED  $stage"
done
if ((${#failed[@]} > 0)); then
  echo "${#failed[@]} stage(s) failed."
else
  echo "All stages passed."
fi
# Both test runs together, in the plain form CI reads; last line on purpose.
echo "tests: $tests_passed passed, $tests_failed failed"
if ((${#failed[@]} > 0)); then
  exit 1
fi
