#!/usr/bin/env bash
# Installs the Debian 12 packages that incasso needs to build, run and test.
#
# The package list lives in scripts/packages.txt (the only place it is written down): the [build]
# group always, the [test] group (PostgreSQL 15, Chromium for the browser tests) with --test.
# Idempotent and quick to re-run: when every package is already installed (checked with dpkg-query)
# apt is not called at all; otherwise `apt-get update` runs once, then `apt-get install` installs
# only the missing packages. Works as root or, for another user, through sudo.
#
# Usage: scripts/install-deps.sh [--test] [--check]
#   --test   also install the [test] group
#   --check  only report missing packages (exit 1 if any), install nothing
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
packages_file="$script_dir/packages.txt"

usage() {
  sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"
}

with_test=0
check_only=0
for arg in "$@"; do
  case "$arg" in
    --test) with_test=1 ;;
    --check) check_only=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install-deps: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

# Prints the packages of the wanted groups, one a line: "[build]" always, "[test]" with --test.
wanted_packages() {
  awk -v with_test="$with_test" '
    { sub(/#.*/, ""); gsub(/^[ \t]+|[ \t]+$/, "") }
    $0 == "" { next }
    /^\[.*\]$/ { group = $0; next }
    group == "[build]" || (group == "[test]" && with_test == 1) { print }
  ' "$packages_file"
}

# Prints the wanted packages that dpkg does not report as installed.
missing_packages() {
  local -a wanted
  mapfile -t wanted < <(wanted_packages)
  if ((${#wanted[@]} == 0)); then
    echo "install-deps: no packages found in $packages_file" >&2
    return 1
  fi
  local installed
  # Unknown packages make dpkg-query complain and exit 1: that only means "not installed".
  installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${wanted[@]}" 2>/dev/null |
    awk '$2 == "installed" { print $1 }' || true)
  local pkg
  for pkg in "${wanted[@]}"; do
    grep -qxF -- "$pkg" <<<"$installed" || echo "$pkg"
  done
}

# The citizen portal's front-end assets: Bootstrap Italia from npm (web/package.json and
# package-lock.json), which the build embeds into the binary (src/web/CMakeLists.txt stops with a
# clear message without them). `npm ci` runs only when web/node_modules is missing or older than the
# lock file. Needs Node.js with npm (the machine's, like the browser tests).
install_web_assets() {
  local web_dir
  web_dir=$(cd -- "$script_dir/../web" && pwd)
  local marker="$web_dir/node_modules/bootstrap-italia/dist/css/bootstrap-italia.min.css"
  if [[ -f $marker && ! $web_dir/package-lock.json -nt $marker ]]; then
    echo "install-deps: web assets (bootstrap-italia) are installed."
    return 0
  fi
  if ((check_only)); then
    echo "install-deps: missing: web assets (npm ci in web/)"
    return 1
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "install-deps: npm not found: install Node.js (with npm), then re-run, to get the portal's" \
      "assets (npm ci in web/)." >&2
    return 1
  fi
  (cd "$web_dir" && npm ci --no-audit --no-fund --ignore-scripts) && touch "$marker"
}

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-deps: dpkg-query not found; incasso is built on Debian 12 (bookworm)." >&2
  exit 1
fi

mapfile -t missing < <(missing_packages)
group_text="build"
((with_test)) && group_text="build and test"

if ((${#missing[@]} == 0)); then
  echo "install-deps: all $group_text packages are installed."
  install_web_assets
  exit $?
fi
echo "install-deps: missing: ${missing[*]}"
if ((check_only)); then
  install_web_assets || true
  exit 1
fi

if ((EUID == 0)); then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-deps: run as root, or install sudo, to install: ${missing[*]}" >&2
  exit 1
fi

# Wait for a dpkg lock held by another apt instead of failing at once.
apt_opts=(-o DPkg::Lock::Timeout=600)
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y \
  --no-install-recommends "${missing[@]}"

mapfile -t still_missing < <(missing_packages)
if ((${#still_missing[@]} > 0)); then
  echo "install-deps: still missing after apt-get install: ${still_missing[*]}" >&2
  exit 1
fi
echo "install-deps: installed ${missing[*]}."
install_web_assets
