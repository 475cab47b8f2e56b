#!/usr/bin/env bash
# Quick start on a fresh Debian 12 machine: installs what is needed, builds,
# creates a local data directory (./data) with a first administrator whose
# password is shown once, points this user's `reflect` at it, and runs
# reflectd in the foreground on loopback. Ctrl-C stops it; run again to
# restart with the same data.
#
# Environment (all optional): REFLECT_DATA (default ./data), REFLECT_PORT
# (requests, default 7410) and REFLECT_EVENTS_PORT (events, default 7411).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build="$repo/build"
data="${REFLECT_DATA:-$repo/data}"
port="${REFLECT_PORT:-7410}"
events_port="${REFLECT_EVENTS_PORT:-7411}"
listen="tcp://127.0.0.1:$port"
publish="tcp://127.0.0.1:$events_port"

"$repo/deploy/deps.sh"
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREFLECT_TESTS=OFF -DREFLECT_BENCH=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
reflectd="$build/server/reflectd"
reflect="$build/client/reflect"

if [ ! -e "$data/reflect.db" ]; then
  echo "== creating $data"
  "$reflectd" init --data "$data"
fi
"$reflect" setup --server "$listen" --events "$publish" --server-key "$(cat "$data/server.pub")" >/dev/null
cat <<MSG

== reflectd is starting on $listen (events on $publish)
   In another terminal, from $repo:
     export PATH=$build/client:\$PATH
     reflect login admin
     reflect password
     reflect user add sam --name "Sam Okafor" --role supervisor
   (README.md walks through a whole supervision cycle.)

MSG
exec "$reflectd" serve --data "$data" --listen "$listen" --publish "$publish"
