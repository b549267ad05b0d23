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
mkdir -p docs/screenshots
import -window root -crop 1200x790+0+0 docs/screenshots/installed.png 2>/dev/null || true
kill $app $xvfb 2>/dev/null || true
wait $app 2>/dev/null || true
apt-get remove -y -q berth >/dev/null
trap - EXIT
[ ! -e /usr/bin/berth ] && echo "removed cleanly: /usr/bin/berth is gone"
