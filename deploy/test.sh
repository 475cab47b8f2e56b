#!/usr/bin/env bash
# Runs every test: installs dependencies, builds with -Werror under
# AddressSanitizer + UndefinedBehaviorSanitizer, runs the unit and
# integration tests (ctest, including the short forms of the fault tests:
# kill -9, disk full, overload), then a short fuzzing smoke run of the
# request decoder with clang's libFuzzer, then builds the Debian package
# (a Release build with -Werror; REFLECT_PACKAGE_CHECK=0 skips it). The
# long fault runs are tests/faults/run.sh; the install test in a clean
# Debian root is deploy/deb-test.sh (root, network, minutes).
# Exit 0 only if all of it passed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build="${REFLECT_TEST_BUILD:-$repo/build-test}"
jobs=$(nproc)

"$repo/deploy/deps.sh"

cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DREFLECT_SANITIZE=ON -DREFLECT_WERROR=ON \
  -DREFLECT_TESTS=ON -DREFLECT_BENCH=ON >/dev/null
cmake --build "$build" -j"$jobs"

# Leaks fail the run; UBSan findings abort (-fno-sanitize-recover).
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$repo/tests/lsan.supp:print_suppressions=0"
(cd "$build" && ctest --output-on-failure --timeout 900)

fuzz_seconds="${REFLECT_FUZZ_SECONDS:-30}"
if [ "$fuzz_seconds" -gt 0 ]; then
  echo "== fuzzing decode+dispatch for ${fuzz_seconds}s"
  FUZZ_BUILD_DIR="$repo/build-fuzz" "$repo/tests/fuzz/run.sh" "$fuzz_seconds" | grep -E "^(Done|stat::)"
fi

if [ "${REFLECT_PACKAGE_CHECK:-1}" = 1 ]; then
  echo "== building the Debian package"
  REFLECT_DEB_BUILD="$repo/build-deb" "$repo/deploy/package.sh"
fi
