# shellcheck shell=bash
# Helpers shared by scripts/demo.sh and scripts/test.sh. Source it; it defines functions only.

# The repository root, whatever the caller's working directory.
incasso_repo_root() {
  cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd
}

# Prints a section header that stands out in a long CI log.
section() {
  printf '\n==== %s ==== (%s)\n' "$*" "$(date -u +%H:%M:%SZ)"
}

# Drops a build directory's CMake cache when it was made for another source directory or another
# generator (a copied tree, a manual `cmake -G "Unix Makefiles"`): the presets would refuse it.
# Compiled objects are kept; ccache makes a rebuild cheap anyway.
reset_stale_cmake_cache() {
  local build_dir=$1 source_dir=$2
  local cache="$build_dir/CMakeCache.txt"
  [[ -f $cache ]] || return 0
  local home generator
  home=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$cache")
  generator=$(sed -n 's/^CMAKE_GENERATOR:INTERNAL=//p' "$cache")
  if [[ $home != "$source_dir" || $generator != "Ninja" ]]; then
    echo "Removing stale CMake cache in $build_dir (source '$home', generator '$generator')."
    rm -rf -- "$cache" "$build_dir/CMakeFiles"
  fi
}
