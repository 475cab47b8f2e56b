#!/usr/bin/env bash
# Builds the Debian package: a Release build (no tests, no sanitizers) and
# `cpack -G DEB`. Prints the .deb's path on stdout, last.
#
# Environment (optional): REFLECT_DEB_BUILD, the build directory (default
# ./build-deb); REFLECT_DEB_OUT, where to put the .deb (default the build
# directory). Needs the build dependencies (deploy/deps.sh) and dpkg-dev
# (dpkg-shlibdeps works out the library dependencies).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build="${REFLECT_DEB_BUILD:-$repo/build-deb}"
out="${REFLECT_DEB_OUT:-$build}"

command -v dpkg-shlibdeps >/dev/null || { echo "package.sh: needs dpkg-dev (dpkg-shlibdeps)" >&2; exit 1; }
command -v cpack >/dev/null || { echo "package.sh: needs cmake's cpack" >&2; exit 1; }

cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DREFLECT_SANITIZE=OFF -DREFLECT_WERROR=ON \
  -DREFLECT_TESTS=OFF -DREFLECT_BENCH=OFF -DREFLECT_FUZZ=OFF -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
cmake --build "$build" -j"${REFLECT_JOBS:-$(nproc)}" >/dev/null
mkdir -p "$out"
# A stale package of another version would be picked up by `ls` below.
rm -f "$out"/reflect_*.deb
(cd "$build" && cpack -G DEB -B "$out" >/dev/null)
rm -rf "$out/_CPack_Packages"

deb=$(ls "$out"/reflect_*.deb)
# The package must hold exactly what an administrator is told it holds.
listing=$(dpkg-deb -c "$deb")
arch=$(gcc -print-multiarch)
for f in ./usr/bin/reflectd ./usr/bin/reflect ./usr/share/man/man8/reflectd.8.gz \
         ./usr/share/man/man1/reflect.1.gz ./etc/reflect/reflectd.conf \
         ./lib/systemd/system/reflectd.service ./usr/lib/$arch/libreflect.so.0 \
         ./usr/include/reflect/client_call.h ./usr/lib/$arch/pkgconfig/libreflect.pc \
         ./usr/bin/reflect-web ./lib/systemd/system/reflect-web.service ./etc/reflect-web/reflect-web.conf; do
  grep -Eq " $f( -> .*)?\$" <<<"$listing" || { echo "package.sh: $f is missing from $deb" >&2; exit 1; }
done
# A shared library asks ldconfig to run after it is installed or removed.
dpkg-deb -I "$deb" triggers 2>/dev/null | grep -q "ldconfig" ||
  { echo "package.sh: $deb has no ldconfig trigger for libreflect" >&2; exit 1; }
dpkg-deb -I "$deb" conffiles | grep -qx /etc/reflect-web/reflect-web.conf ||
  { echo "package.sh: /etc/reflect-web/reflect-web.conf is not a conffile" >&2; exit 1; }
dpkg-deb -I "$deb" conffiles | grep -qx /etc/reflect/reflectd.conf ||
  { echo "package.sh: /etc/reflect/reflectd.conf is not a conffile" >&2; exit 1; }
echo "$deb"
