#!/usr/bin/env bash
# Quick start on a fresh Debian 12 machine: installs what is needed, builds,
# creates a local data directory (./data) with a first administrator whose
# password is shown once, points this user's `reflect` at it, and runs
# reflectd and the web application (reflect-web) on loopback until Ctrl-C;
# run again to restart with the same data.
#
# The first time, it offers a demonstration organisation (deploy/demo.sh):
# a small fictional team with cases and a month of sessions, to see Reflect
# as a social worker does. REFLECT_DEMO=1 makes it without asking, 0 never.
#
# Environment (all optional): REFLECT_DATA (default ./data), REFLECT_PORT
# (requests, default 7410), REFLECT_EVENTS_PORT (events, default 7411),
# REFLECT_WEB_PORT (the web application, default 7480), REFLECT_DEMO.
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

admin_password=""
if [ ! -e "$data/reflect.db" ]; then
  echo "== creating $data"
  # A strong first password, shown below once (as init would show one).
  admin_password="$(head -c 15 /dev/urandom | base64 | tr '+/' '-_')"
  "$reflectd" init --data "$data" --admin-password-stdin <<<"$admin_password" >/dev/null
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
demo="${REFLECT_DEMO:-}"
if [ -n "$admin_password" ] && [ -z "$demo" ] && [ -t 0 ]; then
  read -r -p "== Add a demonstration organisation (a fictional team, cases and a month of sessions)? [y/N] " demo
fi
case "$demo" in
y | Y | yes | 1) [ -n "$admin_password" ] && "$repo/deploy/demo.sh" "$build" "$data" "$admin_password" "$listen" "$publish" ;;
esac
if [ -n "$admin_password" ]; then
  shown="the administrator's password is  $admin_password  (shown once: keep it safe)"
else
  shown="with the administrator's password shown when $data was created"
fi
cat <<MSG

== Reflect is running. Open http://127.0.0.1:$web_port/ in a browser and log in as admin,
   $shown.
   reflectd: $listen (events on $publish). From a terminal, in $repo:
     export PATH=$build/client:\$PATH
     reflect login admin
     reflect user add sam --name "Sam Okafor" --role supervisor
   (README.md walks through a whole supervision cycle.) Ctrl-C stops both.

MSG
wait -n "$server" "$gateway"
