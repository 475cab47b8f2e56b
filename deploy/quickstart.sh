#!/usr/bin/env bash
# Quick start on a fresh Debian 12 machine: installs what is needed, builds,
# creates a local data directory (./data) with a first administrator whose
# password is shown once, points this user's `reflect` at it, and runs
# reflectd and the web application (reflect-web) on loopback until Ctrl-C;
# run again to restart with the same data.
#
# Environment (all optional): REFLECT_DATA (default ./data), REFLECT_PORT
# (requests, default 7410), REFLECT_EVENTS_PORT (events, default 7411) and
# REFLECT_WEB_PORT (the web application, default 7480).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build="$repo/build"
data="${REFLECT_DATA:-$repo/data}"
port="${REFLECT_PORT:-7410}"
events_port="${REFLECT_EVENTS_PORT:-7411}"
web_port="${REFLECT_WEB_PORT:-7480}"
listen="tcp://127.0.0.1:$port"
publish="tcp://127.0.0.1:$events_port"

"$repo/deploy/deps.sh"
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREFLECT_TESTS=OFF -DREFLECT_BENCH=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
reflectd="$build/server/reflectd"
reflect="$build/client/reflect"
web="$build/client/reflect-web"

if [ ! -e "$data/reflect.db" ]; then
  echo "== creating $data"
  "$reflectd" init --data "$data"
fi
"$reflect" setup --server "$listen" --events "$publish" --server-key "$(cat "$data/server.pub")" >/dev/null
"$reflectd" serve --data "$data" --listen "$listen" --publish "$publish" &
server=$!
trap 'kill $server ${gateway:-} 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
for _ in $(seq 1 100); do
  "$reflect" ping >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "quickstart: reflectd did not start" >&2; exit 1; }
  sleep 0.1
done
"$web" --server "$listen" --events "$publish" --server-key "$(cat "$data/server.pub")" \
  --listen "127.0.0.1:$web_port" --state "$data/web-state" >/dev/null &
gateway=$!
cat <<MSG

== Reflect is running. Open http://127.0.0.1:$web_port/ in a browser and log in as admin
   (the password was shown above when $data was created).
   reflectd: $listen (events on $publish). From a terminal, in $repo:
     export PATH=$build/client:\$PATH
     reflect login admin
     reflect user add sam --name "Sam Okafor" --role supervisor
   (README.md walks through a whole supervision cycle.) Ctrl-C stops both.

MSG
wait -n "$server" "$gateway"
