#!/usr/bin/env bash
# Builds the libFuzzer target with clang and fuzzes request decoding and
# dispatch for SECONDS (default 600). usage: tests/fuzz/run.sh [SECONDS]
set -euo pipefail
seconds=${1:-600}
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD_DIR:-$repo/build-fuzz}
CC=clang cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREFLECT_FUZZ=ON \
  -DREFLECT_TESTS=OFF -DREFLECT_BENCH=OFF >/dev/null
cmake --build "$build" --target fuzz_dispatch fuzz_seeds fuzz_form -j"$(nproc)" >/dev/null
corpus="$build/corpus"
mkdir -p "$corpus"
"$build/tests/fuzz/fuzz_seeds" "$corpus"
# RSS limit above Argon2's 64 MiB and the fuzzer's own; no leaks allowed.
"$build/tests/fuzz/fuzz_dispatch" "$corpus" -max_total_time="$seconds" -max_len=65536 \
  -rss_limit_mb=2048 -print_final_stats=1 -detect_leaks=1 2>&1 | tail -n 25
# reflect-web's form bodies and HTML escaping, for a fifth of the time.
form_corpus="$build/corpus-form"
mkdir -p "$form_corpus"
printf 'csrf=abc&username=pat&password=a%%20b+c' >"$form_corpus/login"
printf 'wellbeing=line+one%%0D%%0Aline+two&case-0-situation=%%3Cscript%%3E&flag' >"$form_corpus/record"
"$build/tests/fuzz/fuzz_form" "$form_corpus" -max_total_time="$(( seconds / 5 > 1 ? seconds / 5 : 1 ))" \
  -max_len=4096 -print_final_stats=1 -detect_leaks=1 2>&1 | tail -n 25
