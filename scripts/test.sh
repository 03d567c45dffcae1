#!/usr/bin/env bash
# Installs, builds and runs every test; what CI runs (.ci/run). Works from any directory, as root
# or as a user with sudo, and can be re-run at will (builds are incremental, ccache is used when
# installed).
#
#   1. dependencies: scripts/install-deps.sh --test (build packages plus PostgreSQL 15 and
#      Chromium)
#   2. a throwaway PostgreSQL 15 cluster (scripts/lib/pg.sh), exported to the tests as
#      INCASSO_TEST_POSTGRES_URL; stopped and deleted on exit, whatever happens
#   3. release build (RelWithDebInfo, every target) and every test: ctest --preset release
#   4. browser end-to-end tests against the release binary: `npm ci` in tests/e2e (playwright-core,
#      axe-core; Node.js >= 20 from the machine), then `node --test tests/e2e/*.e2e.mjs` in Debian's
#      headless Chromium; the payment page's screenshot is left in build/release/e2e/
#   5. debug build with AddressSanitizer + UndefinedBehaviorSanitizer and the unit tests:
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

# run_e2e: the browser end-to-end tests (tests/e2e/*.e2e.mjs, node's test runner) against the
# release binary. Bounded: `npm ci` and the test run have their own time limits (the stage stays
# under 3 minutes); the tests start and stop their own servers and browser.
e2e_install_timeout=45
e2e_run_timeout=240  # the portal test checks ~20 pages at two widths
run_e2e() {
  local dir="$repo_root/tests/e2e"
  local bin="$repo_root/build/release/src/bin/incasso"
  local log="$repo_root/build/release/e2e-output.log"
  local node_major
  node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if ((node_major < 20)); then
    echo "the e2e tests need Node.js 20 or later with npm (found: $(node --version 2>&1 || true))"
    return 1
  fi
  if [[ ! -x ${CHROMIUM_PATH:-/usr/bin/chromium} ]]; then
    echo "no Chromium at ${CHROMIUM_PATH:-/usr/bin/chromium} (scripts/install-deps.sh --test)"
    return 1
  fi
  (cd "$dir" && timeout -k 5 "$e2e_install_timeout" npm ci --no-audit --no-fund) || return 1
  local files=("$dir"/*.e2e.mjs)
  mkdir -p "$repo_root/build/release/e2e"
  # node's runner prints TAP here (not a terminal), closing with "# pass N" and "# fail N".
  # The portal's screenshots (every page at 375 and 1280 px) go to build/release/e2e/portal.
  INCASSO_BIN="$bin" INCASSO_E2E_SCREENSHOT="$repo_root/build/release/e2e/checkout-page.png" \
    INCASSO_E2E_ARTIFACTS="$repo_root/build/release/e2e/portal" \
    timeout -k 5 "$e2e_run_timeout" node --test "${files[@]}" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  if ((status == 124)); then
    echo "the e2e tests did not finish within ${e2e_run_timeout}s"
  fi
  local pass fail
  pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log" | tail -n 1)
  fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log" | tail -n 1)
  tests_passed=$((tests_passed + ${pass:-0}))
  tests_failed=$((tests_failed + ${fail:-0}))
  if ((status == 0 && ${pass:-0} == 0)); then
    echo "no e2e test ran"
    return 1
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
# Titillium Web for the payment notice PDFs (embedded at build time; DejaVu Sans without it).
run_stage "Fetch fonts" bash scripts/fetch-fonts.sh || true

run_stage "Start throwaway PostgreSQL 15" pg_start || true
if [[ -z ${INCASSO_TEST_POSTGRES_URL:-} ]]; then
  echo "WARNING: no PostgreSQL test cluster: the PostgreSQL tests will skip, and this run fails."
fi

if run_stage "Release: configure and build" configure_and_build release; then
  run_stage "Release: all tests (ctest --preset release)" run_ctest release || true
  run_stage "Release: browser end-to-end tests (tests/e2e)" run_e2e || true
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
# Every test run together (both ctest presets and the e2e tests), in the plain form CI reads;
# last line on purpose.
echo "tests: $tests_passed passed, $tests_failed failed"
if ((${#failed[@]} > 0)); then
  exit 1
fi
