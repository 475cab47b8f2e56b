#!/usr/bin/env bash
# Builds reflectd and the load generator (Release, -O2, no sanitizers) in
# their own build directory and runs the benchmark: one `name value unit`
# line per figure on stdout, `target_* met|missed` lines for the goals.
#
# Usage: tests/bench/run.sh [reflect_bench options, e.g. --seconds 5 --workers 4]
# Environment: BENCH_BUILD_DIR (default: <repo>/build-bench),
#              BENCH_TMP (default: $TMPDIR or /tmp; echo sockets, SQLite
#              baseline and reflectd's data all live under one directory
#              there, so both fsync on the same filesystem).
# Exit status: non-zero only if the build or the benchmark broke, never
# because a target was missed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="${BENCH_BUILD_DIR:-$repo/build-bench}"
tmp="${BENCH_TMP:-${TMPDIR:-/tmp}}"
jobs="$(nproc 2>/dev/null || echo 2)"

log="$(mktemp "${tmp}/reflect-bench-build.XXXXXX.log")"
trap 'rm -f "$log"' EXIT

echo "bench: building in $build (log: $log)" >&2
if ! { cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" \
         -DREFLECT_TESTS=OFF -DREFLECT_SANITIZE=OFF -DREFLECT_BENCH=ON -DREFLECT_FUZZ=OFF &&
       cmake --build "$build" --target reflectd reflect_bench -j "$jobs"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "bench: build failed" >&2
  exit 1
fi

reflectd="$build/server/reflectd"
bench="$build/tests/bench/reflect_bench"
for f in "$reflectd" "$bench"; do
  [[ -x "$f" ]] || { echo "bench: $f was not built" >&2; exit 1; }
done

rm -f "$log"
trap - EXIT
exec "$bench" --reflectd "$reflectd" --tmp "$tmp" "$@"
