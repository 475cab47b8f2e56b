#!/usr/bin/env bash
# Runs every test: installs dependencies, builds with -Werror under
# AddressSanitizer + UndefinedBehaviorSanitizer, runs the unit and
# integration tests (ctest, including the short forms of the fault tests:
# kill -9, disk full, overload), then the integration tests that exercise
# the server's threads against a ThreadSanitizer build of reflectd and
# reflect (REFLECT_TSAN_CHECK=0 skips it), then a short fuzzing smoke run of the
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

# Formatting drift fails first, before minutes of building.
"$repo/tools/check-format.sh"

cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DREFLECT_SANITIZE=ON -DREFLECT_WERROR=ON \
  -DREFLECT_TESTS=ON -DREFLECT_BENCH=ON >/dev/null
cmake --build "$build" -j"$jobs"

# Leaks fail the run; UBSan findings abort (-fno-sanitize-recover).
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$repo/tests/lsan.supp:print_suppressions=0"
(cd "$build" && ctest --output-on-failure --timeout 900)

# ThreadSanitizer over the integration tests that drive the server's threads:
# the broker and its request and password workers (e2e, login, overload,
# transport), the ZAP handler (transport, watch), the event relay and the
# scheduler's ticks (events, watch, scheduler), the control socket (keys,
# backup) and scheduled backups (backup_keys), and the CLI's own threads
# (export_inspection: pango's). Only reflectd and reflect are instrumented:
# Criterion cannot start under TSan (tests/integration/CMakeLists.txt).
# Every TSan report fails the run: halt_on_error stops the reporting
# process, and the reports are written to files checked below, so none is
# lost to a log a test does not read. tests/tsan.supp holds the third-party
# findings and why they are not ours. REFLECT_TSAN_CHECK=0 skips the stage.
if [ "${REFLECT_TSAN_CHECK:-1}" = 1 ]; then
  echo "== ThreadSanitizer: the threaded integration tests"
  tsan_build="${REFLECT_TSAN_BUILD:-$repo/build-tsan}"
  tsan_tests=(e2e login overload transport events watch scheduler keys backup backup_keys export_inspection)
  cmake -S "$repo" -B "$tsan_build" -DCMAKE_BUILD_TYPE=Debug -DREFLECT_TSAN=ON -DREFLECT_WERROR=ON \
    -DREFLECT_TESTS=ON -DREFLECT_BENCH=OFF >/dev/null
  web_tests=(web_login web_caseload web_drafts)
  cmake --build "$tsan_build" -j"$jobs" --target reflectd reflect reflect-web "${tsan_tests[@]/#/test_}"
  tsan_logs=$(mktemp -d)
  # TSan's memory layout needs the default ASLR entropy: with
  # vm.mmap_rnd_bits above 28 (some newer kernels) the instrumented programs
  # die with "unexpected memory mapping". The tests then run with address
  # randomisation off (setarch -R), which their children inherit.
  # A container may refuse that personality (Docker's default seccomp
  # profile does): then TSan cannot run here at all, and the stage says so
  # loudly rather than failing on the machine instead of the code.
  norandom=()
  tsan_run=1
  rnd_bits=$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 28)
  if [ "$rnd_bits" -gt 28 ]; then
    if setarch "$(uname -m)" -R true 2>/dev/null; then
      norandom=(setarch "$(uname -m)" -R)
    else
      echo "== ThreadSanitizer: NOT RUN: vm.mmap_rnd_bits is $rnd_bits and this machine refuses setarch -R" >&2
      tsan_run=0
    fi
  fi
  tsan_status=0
  if [ "$tsan_run" = 1 ]; then
    (cd "$tsan_build" &&
      TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$repo/tests/tsan.supp log_path=$tsan_logs/tsan" \
        "${norandom[@]}" ctest --output-on-failure --timeout 900 \
        -R "^(integration_test_($(IFS='|'; echo "${tsan_tests[*]}"))|$(IFS='|'; echo "${web_tests[*]}"))\$") ||
      tsan_status=$?
  fi
  if compgen -G "$tsan_logs/tsan.*" >/dev/null; then
    cat "$tsan_logs"/tsan.* >&2
    tsan_status=1
  fi
  rm -rf "$tsan_logs"
  if [ "$tsan_status" != 0 ]; then
    echo "ThreadSanitizer stage failed (reports above, if any)" >&2
    exit 1
  fi
fi

fuzz_seconds="${REFLECT_FUZZ_SECONDS:-30}"
if [ "$fuzz_seconds" -gt 0 ]; then
  echo "== fuzzing decode+dispatch for ${fuzz_seconds}s"
  FUZZ_BUILD_DIR="$repo/build-fuzz" "$repo/tests/fuzz/run.sh" "$fuzz_seconds" | grep -E "^(Done|stat::)"
fi

if [ "${REFLECT_PACKAGE_CHECK:-1}" = 1 ]; then
  echo "== building the Debian package"
  REFLECT_DEB_BUILD="$repo/build-deb" "$repo/deploy/package.sh"
fi
