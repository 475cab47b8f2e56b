#!/usr/bin/env bash
# Quick start on a fresh Debian 12 machine: installs what is needed, builds,
# creates a local data directory (./data) with a first administrator whose
# password is shown once, points this user's `reflect` at it, and runs
# reflectd in the foreground on loopback. Ctrl-C stops it; run again to
# restart with the same data.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build="$repo/build"
data="${REFLECT_DATA:-$repo/data}"

"$repo/deploy/deps.sh"
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREFLECT_TESTS=OFF -DREFLECT_BENCH=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
reflectd="$build/server/reflectd"
reflect="$build/client/reflect"

if [ ! -e "$data/reflect.db" ]; then
  echo "== creating $data"
  "$reflectd" init --data "$data"
fi
"$reflect" setup --server tcp://127.0.0.1:7410 --events tcp://127.0.0.1:7411 \
  --server-key "$(cat "$data/server.pub")" >/dev/null
cat <<MSG

== reflectd is starting on tcp://127.0.0.1:7410 (events on :7411)
   In another terminal:
     $reflect login admin
     $reflect user add sam --name "Sam Supervisor" --role supervisor
   (README.md walks through a whole supervision cycle.)

MSG
exec "$reflectd" serve --data "$data"
