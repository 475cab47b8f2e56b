#!/usr/bin/env bash
# The install test of the Debian package: builds it (deploy/package.sh),
# installs it into a clean Debian 12 root made with debootstrap, initialises
# a data directory as the reflect user, runs the unit's ExecStart there, logs
# in from a client, asks `reflectd status`, stops the server, and purges the
# package (the data must stay). Prints PASS and the timings, or FAIL and why.
#
# systemd cannot run as PID 1 inside a chroot, so first the unit's ExecStart
# runs there under the unit's identity and limits
# (setpriv: reflect:reflect, no new privileges, no capabilities; UMask 0077;
# LimitCORE=0, LimitMEMLOCK=64M; MemoryDenyWriteExecute through the kernel's
# PR_SET_MDWE when the kernel has it, 6.3+), and `systemd-analyze verify`
# checks the installed unit inside the root. Then, where systemd-nspawn is
# installed (systemd-container), the root is booted as a container and the
# real unit is started with all its hardening (REFLECT_DEB_NSPAWN=0 skips it).
#
# Needs root and network (deb.debian.org). Safe to re-run: each run uses a
# fresh root under /var/tmp, unmounted and removed on exit whatever happens;
# the debootstrap base and downloaded .debs are cached in
# /var/cache/reflect-deb-test (delete it to start from nothing).
# Environment (optional): REFLECT_DEB (use this .deb instead of building),
# REFLECT_DEB_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "deb-test.sh: must run as root (debootstrap, chroot and mounts need it)" >&2
  exit 1
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=/var/cache/reflect-deb-test
mirror="${REFLECT_DEB_MIRROR:-http://deb.debian.org/debian}"
base="$cache/bookworm-minbase.tar.gz"
admin_password="deb-test $(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
port=$((20000 + RANDOM % 20000))

t0=$(date +%s.%N)
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
step() { printf '== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

root=""
mounts=()
server_pid=""
cleanup() {
  local rc=$?
  set +e
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    for _ in $(seq 1 60); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$server_pid" 2>/dev/null
  fi
  if [ "$rc" -ne 0 ] && [ -n "$root" ] && [ -s "$root/var/log/reflectd.log" ]; then
    echo "-- reflectd's log (last 20 lines):" >&2
    tail -n 20 "$root/var/log/reflectd.log" >&2
  fi
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}"
  done
  if [ -n "$root" ] && [ -d "$root" ]; then
    # Never delete through a mount that is still there (the apt cache is a
    # bind mount of $cache: rm would empty it).
    if findmnt -rn -o TARGET | grep -qF "$root"; then
      echo "deb-test.sh: mounts remain under $root; not removing it" >&2
    else
      rm -rf --one-file-system "$root"
    fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_root() { chroot "$root" "$@"; }
# LimitMEMLOCK=64M; a machine whose root lacks CAP_SYS_RESOURCE (some VMs
# and containers) cannot raise the hard limit, so there the current one is kept.
memlock=67108864
memlock_note="LimitMEMLOCK 64M"
if ! prlimit --memlock=$memlock true 2>/dev/null; then
  memlock=$(ulimit -Hl)
  [ "$memlock" = unlimited ] || memlock=$((memlock * 1024))
  memlock_note="LimitMEMLOCK kept at this machine's hard limit ($memlock bytes): root here cannot raise it"
fi
# The unit's identity and limits (User=, Group=, NoNewPrivileges=,
# CapabilityBoundingSet=, UMask=, LimitCORE=, LimitMEMLOCK=).
as_reflect() {
  in_root prlimit --core=0 --memlock="$memlock" -- \
    setpriv --reuid=reflect --regid=reflect --init-groups --no-new-privs --bounding-set=-all --inh-caps=-all -- \
    sh -c 'umask 0077; exec "$@"' sh "$@"
}
as_desk() { in_root runuser -u desk -- env HOME=/home/desk "$@"; }

# 1. The package.
t=$(date +%s.%N)
if [ -n "${REFLECT_DEB:-}" ]; then
  deb="$REFLECT_DEB"
  step "using $deb"
  built="given"
else
  step "building the package (deploy/package.sh)"
  deb=$("$repo/deploy/package.sh" | tail -n 1)
  built=""
fi
[ -f "$deb" ] || fail "no package at '$deb'"
deb_size=$(stat -c %s "$deb")
t_package=$(since "$t")
[ -n "$built" ] || built="built in ${t_package}s"

# 2. A clean Debian 12 root (the debootstrap base is cached).
t=$(date +%s.%N)
mkdir -p "$cache/archives/partial"
if [ ! -s "$base" ]; then
  command -v debootstrap >/dev/null || { step "installing debootstrap"; apt-get install -y -qq debootstrap >/dev/null; }
  step "debootstrap bookworm (first run only; cached in $cache)"
  fresh=$(mktemp -d /var/tmp/reflect-debootstrap.XXXXXX)
  # systemd is in the base only for `systemd-analyze verify`; every server has it.
  debootstrap --variant=minbase --include=systemd bookworm "$fresh" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { rm -rf --one-file-system "$fresh"; fail "debootstrap failed (see $cache/debootstrap.log)"; }
  tar -C "$fresh" -czf "$base.partial" . && mv "$base.partial" "$base"
  rm -rf --one-file-system "$fresh"
fi
root=$(mktemp -d /var/tmp/reflect-deb-test.XXXXXX)
tar -C "$root" -xzf "$base"
chmod 0755 "$root"   # apt drops to the _apt user to download
mount_root() {
  mount -t proc proc "$root/proc"; mounts+=("$root/proc")
  mount -t sysfs sysfs "$root/sys"; mounts+=("$root/sys")
  mount --bind /dev "$root/dev"; mounts+=("$root/dev")
  mount -t tmpfs -o mode=0755 tmpfs "$root/run"; mounts+=("$root/run")
  mount --bind "$cache/archives" "$root/var/cache/apt/archives"; mounts+=("$root/var/cache/apt/archives")
}
umount_root() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount "${mounts[i]}" || umount -l "${mounts[i]}"; done
  mounts=()
}
mount_root
cp /etc/resolv.conf "$root/etc/resolv.conf"
t_root=$(since "$t")

# 3. Install, as an administrator would: apt pulls in the runtime libraries.
step "apt-get install ./$(basename "$deb") in the clean root"
cp "$deb" "$root/tmp/reflect.deb"
t=$(date +%s.%N)
export DEBIAN_FRONTEND=noninteractive
in_root apt-get update -qq >/dev/null
in_root apt-get install -y -q /tmp/reflect.deb >"$root/var/log/reflect-install.log" 2>&1 ||
  { tail -n 20 "$root/var/log/reflect-install.log" >&2; fail "apt-get install failed"; }
t_install=$(since "$t")
grep -q 'sudo -u reflect reflectd init' "$root/var/log/reflect-install.log" || fail "postinst did not say what to do next"

step "checking what the package installed"
in_root id reflect >/dev/null || fail "no reflect user"
[ "$(in_root getent passwd reflect | cut -d: -f7)" = /usr/sbin/nologin ] || fail "the reflect user has a login shell"
check_stat() {  # path expected "mode user group"
  local got
  got=$(in_root stat -c '%a %U %G' "$1") || fail "$1 is missing"
  [ "$got" = "$2" ] || fail "$1 is '$got', expected '$2'"
}
check_stat /etc/reflect/reflectd.conf "640 root reflect"
check_stat /var/lib/reflect "700 reflect reflect"
check_stat /var/backups/reflect "700 reflect reflect"
check_stat /usr/bin/reflectd "755 root root"
for f in /usr/bin/reflect /usr/share/man/man8/reflectd.8.gz /usr/share/man/man1/reflect.1.gz \
         /lib/systemd/system/reflectd.service /usr/share/doc/reflect/README.md; do
  [ -e "$root$f" ] || fail "$f is missing"
done
in_root systemctl is-enabled reflectd >/dev/null 2>&1 && fail "the package enabled the service by itself"
[ -e "$root/var/lib/reflect/reflect.db" ] && fail "the package initialised a data directory by itself"
in_root systemd-analyze verify --man=no /lib/systemd/system/reflectd.service >"$root/tmp/verify.log" 2>&1 ||
  { cat "$root/tmp/verify.log" >&2; fail "systemd-analyze verify rejects the installed unit"; }
unit_exec=$(sed -n 's/^ExecStart=//p' "$root/lib/systemd/system/reflectd.service")
[ -n "$unit_exec" ] || fail "the unit has no ExecStart"

# 4. The administrator's steps from deploy/README.md.
step "reflectd init as the reflect user"
t=$(date +%s.%N)
printf '%s\n' "$admin_password" |
  as_reflect reflectd init --data /var/lib/reflect --admin-password-stdin >"$root/var/log/reflect-init.log" 2>&1 ||
  { tail -n 5 "$root/var/log/reflect-init.log" >&2; fail "reflectd init failed"; }
t_init=$(since "$t")
check_stat /var/lib/reflect/master.key "600 reflect reflect"
check_stat /var/lib/reflect/server.key "600 reflect reflect"
server_key=$(cat "$root/var/lib/reflect/server.pub")
# The one edit the guide asks for: where to listen (a random port here, so a
# server already on 7410 on this machine does not get in the way).
sed -i -e "s|^listen = .*|listen = tcp://127.0.0.1:$port|" -e "s|^publish = .*|publish = tcp://127.0.0.1:$((port + 1))|" \
  "$root/etc/reflect/reflectd.conf"
check_stat /etc/reflect/reflectd.conf "640 root reflect"

mdwe=""
cat >"$root/tmp/mdwe-exec.c" <<'C'
/* Runs a command with MemoryDenyWriteExecute's effect (Linux 6.3+): no
 * mapping may become both writable and executable, inherited by exec. */
#include <errno.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>
#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif
int main(int argc, char **argv)
{
  if (argc < 2) return 2;
  if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0) { perror("PR_SET_MDWE"); return 3; }
  execvp(argv[1], argv + 1);
  perror(argv[1]);
  return 127;
}
C
if cc -O2 -o "$root/usr/local/sbin/mdwe-exec" "$root/tmp/mdwe-exec.c" 2>/dev/null &&
   in_root /usr/local/sbin/mdwe-exec true 2>/dev/null; then
  mdwe="/usr/local/sbin/mdwe-exec"
  mdwe_note="MemoryDenyWriteExecute emulated with PR_SET_MDWE"
else
  mdwe_note="MemoryDenyWriteExecute NOT emulated (no C compiler or kernel < 6.3)"
fi

step "starting the unit's ExecStart as reflect: $unit_exec"
t=$(date +%s.%N)
# chroot, prlimit, setpriv, mdwe-exec and sh each exec the next, so $! is
# reflectd itself and SIGTERM reaches it as systemctl stop would.
# shellcheck disable=SC2086 # the unit's command line, split as systemd would
chroot "$root" prlimit --core=0 --memlock="$memlock" -- \
  setpriv --reuid=reflect --regid=reflect --init-groups --no-new-privs --bounding-set=-all --inh-caps=-all -- \
  $mdwe sh -c 'umask 0077; exec "$@"' sh $unit_exec >"$root/var/log/reflectd.log" 2>&1 &
server_pid=$!

as_desk true 2>/dev/null || in_root useradd --create-home --shell /bin/sh desk
as_desk reflect setup --server "tcp://127.0.0.1:$port" --events "tcp://127.0.0.1:$((port + 1))" \
  --server-key "$server_key" >/dev/null || fail "reflect setup failed"
up=""
for _ in $(seq 1 60); do
  kill -0 "$server_pid" 2>/dev/null || fail "reflectd exited at start"
  if as_desk reflect ping >/dev/null 2>&1; then up=1; break; fi
  sleep 0.5
done
[ -n "$up" ] || fail "reflectd did not answer a ping within 30 s"
t_start=$(since "$t")

step "client: reflect login admin"
t=$(date +%s.%N)
printf '%s\n' "$admin_password" | as_desk reflect login admin --password-stdin >/dev/null || fail "login failed"
t_login=$(since "$t")
who=$(as_desk reflect whoami) || fail "whoami failed after login"
grep -q admin <<<"$who" || fail "whoami does not say admin: $who"
[ -e "$root/home/desk/.config/reflect/config.token" ] || fail "the client kept no token"
printf 'wrong password\n' | as_desk reflect --config /home/desk/.config/reflect/config login admin --password-stdin \
  >/dev/null 2>&1 && fail "a wrong password was accepted"
login_ok="login OK (user admin, device key $(stat -c %a "$root/home/desk/.config/reflect/config.key"))"

step "reflectd status"
status=$(as_reflect reflectd status --data /var/lib/reflect) || fail "reflectd status failed"
grep -qi 'sealed' <<<"$status" || fail "reflectd status says nothing about the seal: $status"
grep -qiE 'sealed[=: ]+(no|false)' <<<"$status" || fail "reflectd status says sealed: $status"

step "reflectd backup through the running server (deploy/README.md section 7)"
as_reflect reflectd backup --data /var/lib/reflect --to /var/backups/reflect/deb-test.bak \
  >"$root/tmp/backup.log" 2>&1 || { cat "$root/tmp/backup.log" >&2; fail "reflectd backup failed"; }
check_stat /var/backups/reflect/deb-test.bak "600 reflect reflect"
grep -qaF "$admin_password" "$root/var/backups/reflect/deb-test.bak" && fail "the backup holds the password in clear"

step "stopping reflectd (SIGTERM, as systemctl stop)"
t=$(date +%s.%N)
kill -TERM "$server_pid"
stop_rc=0
wait "$server_pid" || stop_rc=$?
server_pid=""
t_stop=$(since "$t")
[ "$stop_rc" -eq 0 ] || fail "reflectd exited $stop_rc on SIGTERM"
grep -q 'event=mlock_failed' "$root/var/log/reflectd.log" && fail "keys were not locked in memory (mlock_failed)"
grep -q 'event=harden_failed' "$root/var/log/reflectd.log" && fail "reflectd could not harden itself"

step "reflectd verify and audit verify on the stopped server's directory"
as_reflect reflectd verify --data /var/lib/reflect >"$root/tmp/verify-data.log" 2>&1 ||
  { cat "$root/tmp/verify-data.log" >&2; fail "reflectd verify failed"; }
as_reflect reflectd audit verify --data /var/lib/reflect >"$root/tmp/verify-audit.log" 2>&1 ||
  { cat "$root/tmp/verify-audit.log" >&2; fail "reflectd audit verify failed"; }

# 5. The real unit, under systemd, when this machine can boot the root as a
# container (systemd-nspawn, package systemd-container): every hardening
# setting then applies, MemoryDenyWriteExecute and the syscall filter too.
unit_note="unit not booted: no systemd-nspawn here (apt-get install systemd-container)"
if [ "${REFLECT_DEB_NSPAWN:-1}" = 1 ] && command -v systemd-nspawn >/dev/null; then
  step "booting the root with systemd-nspawn: systemctl start reflectd, log in, status, stop"
  umount_root
  cat >"$root/usr/local/sbin/reflect-unit-check" <<CHECK
#!/bin/sh
# Runs once at boot inside the container, then powers it off.
exec >/root/unit-check.log 2>&1
systemctl start reflectd
for i in \$(seq 1 40); do
  runuser -u desk -- env HOME=/home/desk reflect ping >/dev/null 2>&1 && break
  sleep 0.5
done
systemctl is-active reflectd && echo UNIT_ACTIVE
printf '%s\\n' '$admin_password' | runuser -u desk -- env HOME=/home/desk reflect login admin --password-stdin >/dev/null && echo LOGIN_OK
runuser -u reflect -- reflectd status --data /var/lib/reflect | grep -q 'sealed: *no' && echo STATUS_OK
systemctl stop reflectd
[ "\$(systemctl show reflectd -p ExecMainStatus --value)" = 0 ] && echo STOP_OK
systemd-analyze security reflectd --no-pager | tail -n 1
journalctl -u reflectd --no-pager -o cat | tail -n 15
systemctl poweroff
CHECK
  chmod 0755 "$root/usr/local/sbin/reflect-unit-check"
  cat >"$root/etc/systemd/system/reflect-unit-check.service" <<'UNIT'
[Unit]
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/reflect-unit-check
[Install]
WantedBy=multi-user.target
UNIT
  ln -sf /etc/systemd/system/reflect-unit-check.service \
    "$root/etc/systemd/system/multi-user.target.wants/reflect-unit-check.service"
  t=$(date +%s.%N)
  timeout 180 systemd-nspawn -q -D "$root" --register=no --keep-unit -b >"$cache/nspawn.log" 2>&1 || true
  t_unit=$(since "$t")
  mount_root
  cp "$root/root/unit-check.log" "$cache/unit-check.log" 2>/dev/null || true
  for marker in UNIT_ACTIVE LOGIN_OK STATUS_OK STOP_OK; do
    grep -q "^$marker" "$root/root/unit-check.log" 2>/dev/null ||
      { cat "$root/root/unit-check.log" >&2 2>/dev/null; fail "under systemd: no $marker (logs: $cache/nspawn.log, $cache/unit-check.log)"; }
  done
  unit_note="unit under systemd (nspawn boot ${t_unit}s): started, login OK, status OK, stopped with 0; $(grep -o 'Overall exposure level.*' "$root/root/unit-check.log")"
  grep -q 'event=mlock_failed' "$root/root/unit-check.log" &&
    unit_note="$unit_note; mlock failed under systemd (LimitMEMLOCK could not be raised on this machine)"
fi

step "apt-get purge reflect: the user goes, the data stays"
in_root apt-get purge -y -q reflect >"$root/var/log/reflect-purge.log" 2>&1 || fail "purge failed"
in_root id reflect >/dev/null 2>&1 && fail "purge left the reflect user"
for f in reflect.db master.key server.key; do
  [ -s "$root/var/lib/reflect/$f" ] || fail "purge removed /var/lib/reflect/$f"
done

printf 'PASS  package %s (%d bytes, %s)\n' "$(basename "$deb")" "$deb_size" "$built"
printf '      status: %s\n' "$(tr '\n' ' ' <<<"$status" | tr -s ' ')"
printf '      %s\n' "$(tail -n 1 "$root/tmp/backup.log")" "$(tail -n 1 "$root/tmp/verify-data.log")"
printf '      root %ss, install %ss, init %ss, start-to-ping %ss, %s in %ss, stop %ss, total %ss\n' \
  "$t_root" "$t_install" "$t_init" "$t_start" "$login_ok" "$t_login" "$t_stop" "$(since "$t0")"
printf '      %s; %s\n' "$mdwe_note" "$memlock_note"
printf '      %s\n' "$unit_note"
