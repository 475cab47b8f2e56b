#!/usr/bin/env bash
# libreflect as installed: `cmake --install` into a scratch root, build the
# example (client/lib/examples/reflect-ping.c) with nothing but what
# `pkg-config libreflect` gives, check it loads the installed libreflect.so.0
# and exports nothing but the public API, and run it against a real reflectd
# on ipc:// endpoints. Usage: test_libreflect.sh BUILD_DIR SOURCE_DIR [SANITIZE]
# (SANITIZE ON: the build is instrumented, so the example must be too).
set -euo pipefail
build=$1
src=$2
sanitize=()
[ "${3:-OFF}" = ON ] && sanitize=(-fsanitize=address,undefined -fno-omit-frame-pointer)
tmp=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "test_libreflect: $*" >&2; exit 1; }

DESTDIR="$tmp/root" cmake --install "$build" --prefix /usr >/dev/null
libdir=$(dirname "$(find "$tmp/root" -name libreflect.pc | head -1)")
[ -d "$libdir" ] || fail "no libreflect.pc installed"
for h in client.h client_call.h client_events.h client_file.h reflect.pb-c.h; do
  [ -f "$tmp/root/usr/include/reflect/$h" ] || fail "reflect/$h is not installed"
done

# The .pc finds the prefix relative to itself, so the scratch root needs
# nothing but the search path.
export PKG_CONFIG_PATH="$libdir"
flags=$(pkg-config --cflags --libs libreflect)
lib=$(dirname "$libdir")
cc -std=c17 -Wall -Wextra -Werror "${sanitize[@]}" "$src/client/lib/examples/reflect-ping.c" $flags \
  -Wl,-rpath,"$lib" -o "$tmp/reflect-ping" $(pkg-config --libs libprotobuf-c) 2>"$tmp/cc.err" ||
  { cat "$tmp/cc.err" >&2; fail "the example does not build against the installed library"; }
deps=$(ldd "$tmp/reflect-ping")
grep -q "libreflect.so.0 => $lib/libreflect.so.0" <<<"$deps" ||
  { echo "$deps" >&2; fail "the example does not load the installed libreflect.so.0"; }

exported=$(nm -D --defined-only "$lib/libreflect.so.0" | awk '{print $3}' | grep -v '^LIBREFLECT_0$' || true)
stray=$(grep -Ev '^(client_|reflect__v1__)' <<<"$exported" || true)
[ -z "$stray" ] || fail "libreflect exports more than its API: $(head -5 <<<"$stray" | tr '\n' ' ')"
calls=$(grep -c '^client_call_' <<<"$exported")
[ "$calls" -ge 60 ] || fail "only $calls typed calls exported"

# Against a real server. A sanitized reflectd needs its runtime options.
"$build/server/reflectd" init --data "$tmp/data" >/dev/null
"$build/server/reflectd" serve --data "$tmp/data" --listen "ipc://$tmp/rpc" --publish "ipc://$tmp/pub" \
  2>"$tmp/serve.err" &
pid=$!
export REFLECT_CONFIG="$tmp/device/config"
"$build/client/reflect" setup --server "ipc://$tmp/rpc" --events "ipc://$tmp/pub" \
  --server-key "$(cat "$tmp/data/server.pub")" >/dev/null
out=""
for _ in $(seq 1 50); do
  if out=$("$tmp/reflect-ping" "$REFLECT_CONFIG" 2>&1); then break; fi
  sleep 0.2
done
grep -q "^reflectd .* answered (protocol " <<<"$out" || fail "reflect-ping: $out"
echo "test_libreflect: installed, built with pkg-config, $calls typed calls exported, $out"
