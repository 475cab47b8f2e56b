#!/usr/bin/env bash
# The long forms of the fault tests (CI runs the short forms through ctest):
# many more kill -9 rounds, a bigger overload, and the disk-full test
# several times. Builds with ASan+UBSan in its own directory, like CI.
#
# Usage: tests/faults/run.sh
# Environment: FAULTS_BUILD_DIR (default <repo>/build-faults),
#              CRASH_ROUNDS (default 500), OVERLOAD_SOCKETS (default 150),
#              OVERLOAD_ROUNDS (default 10), REPEAT (default 3: overload
#              and disk-full runs).
# Exit status: 0 if every run passed; 1 otherwise (the failing output is
# printed); 2 if the build failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="${FAULTS_BUILD_DIR:-$repo/build-faults}"
crash_rounds="${CRASH_ROUNDS:-500}"
overload_sockets="${OVERLOAD_SOCKETS:-150}"
overload_rounds="${OVERLOAD_ROUNDS:-10}"
repeat="${REPEAT:-3}"

for v in "$crash_rounds" "$overload_sockets" "$overload_rounds" "$repeat"; do
  [[ "$v" =~ ^[0-9]+$ && "$v" -gt 0 ]] || { echo "faults: settings must be positive numbers" >&2; exit 2; }
done

echo "faults: building in $build" >&2
if ! { cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DREFLECT_SANITIZE=ON -DREFLECT_TESTS=ON >/dev/null &&
       cmake --build "$build" -j"$(nproc)" --target reflectd reflect test_crash test_overload test_diskfull >/dev/null; }; then
  echo "faults: build failed" >&2
  exit 2
fi

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$repo/tests/lsan.supp:print_suppressions=0"
bin="$build/tests/integration"
failed=0

run() {
  local name="$1"; shift
  local out
  out="$(mktemp)"
  if "$@" --verbose >"$out" 2>&1; then
    echo "faults: $name passed: $(grep -hoE '(crash|diskfull|overload): .*' "$out" | sort -u | tr '\n' ' ')"
  else
    echo "faults: $name FAILED" >&2
    cat "$out" >&2
    failed=1
  fi
  rm -f "$out"
}

run "kill -9 x $crash_rounds" env REFLECT_CRASH_ROUNDS="$crash_rounds" "$bin/test_crash"
for i in $(seq 1 "$repeat"); do
  run "overload $i ($overload_sockets sockets x $overload_rounds rounds)" \
    env REFLECT_OVERLOAD_SOCKETS="$overload_sockets" REFLECT_OVERLOAD_ROUNDS="$overload_rounds" "$bin/test_overload"
  run "disk full $i" "$bin/test_diskfull"
done
exit "$failed"
