#!/usr/bin/env bash
# Installs the Debian 12 packages Reflect needs to build, test and run.
# Idempotent: installs only what is missing. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates tzdata
  libzmq3-dev libsodium-dev libsqlite3-dev libprotobuf-c-dev protobuf-c-compiler
  libinih-dev libcjson-dev libcriterion-dev
  clang libclang-rt-14-dev   # the libFuzzer target (tests/fuzz)
  clang-format                # tools/check-format.sh: the sources keep .clang-format's layout
  sqlite3                     # inspecting a data directory by hand
  python3-icalendar           # tests/integration/test_calendar.c parses the export with it
  libnotify-bin               # notify-send, for `reflect watch --notify`
  libcairo2-dev libpango1.0-dev fonts-dejavu-core  # `reflect export inspection` draws its PDF with pango and cairo
  poppler-utils               # tests read the PDF back (pdftotext, pdftoppm)
  libmicrohttpd-dev           # reflect-web's HTTP server
  chromium chromium-driver python3-selenium  # reflect-web's browser tests (tests/web)
)
# reflect-web's assets are built with npm (GOV.UK Frontend, Sass): Debian's
# nodejs and npm, unless a Node.js with npm is installed already (npm's own
# packages would conflict with another distribution of it).
if ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps.sh: need root to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
