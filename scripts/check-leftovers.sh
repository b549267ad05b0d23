#!/bin/sh
# Fails (exit 1) if any process that carries the environment entry $1 (NAME=VALUE) still runs,
# besides this script and its ancestors, and kills it: .ci/run calls it last, so a QEMU or a
# Berth CLI that a test started and left behind turns CI red instead of burning a core.
set -u
entry=$1
ours=" "
pid=$$
while [ "$pid" -gt 1 ] 2>/dev/null; do
  ours="$ours$pid "
  pid=$(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null || echo 1)
done
left=0
for d in /proc/[0-9]*; do
  p=${d#/proc/}
  case $ours in *" $p "*) continue ;; esac
  if { tr '\0' '\n' < "$d/environ"; } 2>/dev/null | grep -qxF "$entry"; then
    echo "left running: $p $({ tr '\0' ' ' < "$d/cmdline"; } 2>/dev/null | cut -c1-160)" >&2
    kill -9 "$p" 2>/dev/null
    left=$((left + 1))
  fi
done
[ "$left" -eq 0 ] || { echo "$left process(es) outlived the run (killed)" >&2; exit 1; }
echo "no process outlived the run"
