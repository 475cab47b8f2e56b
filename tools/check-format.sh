#!/usr/bin/env bash
# Checks that the C sources are formatted the way .clang-format says.
#
#   tools/check-format.sh [FILE...]
#
# Without arguments it checks every tracked .c and .h file under server/,
# client/, common/ and tests/ (git ls-files), so build directories and
# generated code (reflect.pb-c.*) are never looked at. Exits 0 when nothing
# would change, 1 when clang-format would change something (each place is
# printed), 2 when clang-format is missing. It installs nothing and changes
# no file.
#
# CLANG_FORMAT names the binary (default: clang-format). On Debian 12:
#   sudo apt-get install clang-format     (clang-format 14)
# To fix what it reports, format the files it names in place:
#   clang-format -i FILE...
# and review the result (git diff) before committing.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
cf=${CLANG_FORMAT:-clang-format}

if ! command -v "$cf" >/dev/null 2>&1; then
  echo "check-format: $cf not found; install clang-format (Debian: apt-get install clang-format)" >&2
  exit 2
fi

if [ "$#" -gt 0 ]; then
  files=("$@")
else
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files -- 'server/*.[ch]' 'client/*.[ch]' 'common/*.[ch]' 'tests/*.[ch]')
  else
    # A source tarball: the same folders, never a build directory.
    mapfile -t files < <(find server client common tests -name '*.[ch]' | sort)
  fi
fi
if [ "${#files[@]}" -eq 0 ]; then
  echo "check-format: no files to check: is this the source tree?" >&2
  exit 1
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
bad=()
for f in "${files[@]}"; do
  if ! "$cf" --style=file --dry-run -Werror "$f" 2>"$out"; then
    bad+=("$f")
    head -n 20 "$out" >&2
  fi
done

if [ "${#bad[@]}" -gt 0 ]; then
  echo "check-format: ${#bad[@]} of ${#files[@]} files differ from .clang-format ($("$cf" --version | head -n1))." >&2
  echo "check-format: fix with: clang-format -i ${bad[*]:0:5}$([ "${#bad[@]}" -gt 5 ] && echo ' ...')" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files match .clang-format"
