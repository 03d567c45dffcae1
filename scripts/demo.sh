#!/usr/bin/env bash
# Builds incasso and starts it with the embedded SQLite database and the demo region:
#   ./scripts/demo.sh [extra `incasso serve` options...]
# Installs the Debian packages it needs first (scripts/install-deps.sh), builds the release
# preset's `incasso` target only, then runs `incasso serve --demo`, which prints the address to
# open. Data lives under var/ in the repository (git-ignored); Ctrl-C stops the server.
set -euo pipefail

repo_root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh

section "Install dependencies"
bash scripts/install-deps.sh
bash scripts/fetch-fonts.sh

section "Build incasso (release preset)"
reset_stale_cmake_cache "$repo_root/build/release" "$repo_root"
cmake --preset release
cmake --build --preset release --target incasso

section "Start incasso (serve --demo)"
exec "$repo_root/build/release/src/bin/incasso" serve --demo "$@"
