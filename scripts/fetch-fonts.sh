#!/usr/bin/env bash
# Fetches Titillium Web, pagoPA's typeface (SIL Open Font License 1.1), as TTF files from npm
# (@expo-google-fonts/titillium-web, pinned in assets/fonts/package-lock.json) into
# assets/fonts/node_modules/. src/render/CMakeLists.txt embeds them into the binary when present;
# without them the payment notices fall back to DejaVu Sans. Idempotent; needs Node.js/npm and the
# npm registry. Without npm it warns and exits 0 (the build still works, with the fallback font).
#
# Usage: scripts/fetch-fonts.sh
set -euo pipefail

repo_root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
fonts_dir="$repo_root/assets/fonts"
marker="$fonts_dir/node_modules/@expo-google-fonts/titillium-web/400Regular/TitilliumWeb_400Regular.ttf"

if [[ -f "$marker" ]]; then
  echo "fetch-fonts: Titillium Web is present."
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "fetch-fonts: npm not found; payment notices will use DejaVu Sans instead of Titillium Web." >&2
  exit 0
fi
(cd "$fonts_dir" && npm ci --ignore-scripts --no-audit --no-fund)
if [[ ! -f "$marker" ]]; then
  echo "fetch-fonts: $marker is missing after npm ci" >&2
  exit 1
fi
echo "fetch-fonts: fetched Titillium Web into assets/fonts/node_modules/."
