#!/usr/bin/env bash
# Installs the .deb built by packaging/build.sh, proves the installed files work — CLI version,
# self-test, the GUI's window under Xvfb (with a screenshot) — and removes the package again.
# Prints the sizes and times. Needs root, xvfb, xdotool and imagemagick.
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(ls target/packaging/berth_*.deb | head -1)
echo "installer: $deb ($(du -h "$deb" | cut -f1))"
apt-get install -y -q "./$deb" >/dev/null
trap 'apt-get remove -y -q berth >/dev/null 2>&1 || true' EXIT
echo "installed size: $(du -sh /opt/berth | cut -f1)"
command -v berth
berth --version
home=$(mktemp -d)
HOME=$home berth self-test

# A display number no other X server (or a stale lock) holds.
n=58
while [ -e /tmp/.X$n-lock ] || [ -e /tmp/.X11-unix/X$n ]; do n=$((n + 1)); done
export DISPLAY=:$n
Xvfb "$DISPLAY" -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb=$!
sleep 1
t0=$(date +%s%N)
HOME=$home timeout 120 /opt/berth/bin/Berth >/dev/null 2>&1 &
app=$!
win=""
for _ in $(seq 1 400); do
  win=$(xdotool search --onlyvisible --name '^Berth$' 2>/dev/null | head -1 || true)
  [ -n "$win" ] && break
  sleep 0.05
done
t1=$(date +%s%N)
if [ -z "$win" ]; then echo "the installed GUI showed no window" >&2; kill $app $xvfb; exit 1; fi
echo "installed GUI: launch to visible window $(( (t1 - t0) / 1000000 )) ms"
sleep 2
if [ -f /opt/berth/lib/app/berth.jsa ]; then cds="with its CDS archive"; else cds="WITHOUT a CDS archive"; fi
mkdir -p docs/screenshots
import -window root -crop 1200x790+0+0 docs/screenshots/installed.png 2>/dev/null || true
kill $app 2>/dev/null || true
wait $app 2>/dev/null || true
# The app's own word for when its first frame was drawn, counted from the JVM's start.
for _ in 1 2 3; do
  HOME=$home BERTH_STARTUP_REPORT=exit timeout 60 /opt/berth/bin/Berth 2>&1 >/dev/null \
    | sed -n "s/^berth: window painted \(.*\)/installed GUI, $cds: painted \1/p"
done
kill $xvfb 2>/dev/null || true
apt-get remove -y -q berth >/dev/null
trap - EXIT
[ ! -e /usr/bin/berth ] && echo "removed cleanly: /usr/bin/berth is gone"

# The .rpm, as far as a Debian machine can check one: its file list, and the launchers of its
# extracted payload (--version, self-test).
rpm=$(ls target/packaging/berth-*.rpm 2>/dev/null | head -1 || true)
if [ -n "$rpm" ]; then
  echo "installer: $rpm ($(du -h "$rpm" | cut -f1))"
  files=$(rpm -qlp "$rpm")
  for f in /opt/berth/bin/Berth /opt/berth/bin/berth /opt/berth/lib/app/berth.jar /opt/berth/lib/berth.classlist; do
    echo "$files" | grep -qx "$f" || { echo "the .rpm lacks $f" >&2; exit 1; }
  done
  payload=$(mktemp -d)
  rpm2cpio "$rpm" | (cd "$payload" && cpio -idm --quiet)
  "$payload/opt/berth/bin/berth" --version
  HOME=$home "$payload/opt/berth/bin/berth" self-test
  rm -rf "$payload"
  echo "the .rpm's payload runs: $(echo "$files" | wc -l) files"
fi
