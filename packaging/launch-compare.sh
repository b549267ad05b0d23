#!/usr/bin/env bash
# Launch time of two app images, interleaved under one Xvfb so both meet the same load:
#   packaging/launch-compare.sh N BEFORE_IMAGE AFTER_IMAGE
# (an image is a directory like target/packaging/Berth). Dumps each image's CDS archive at its own
# path if it has none, as postinst does; unpacks JavaFX's native libraries in a fresh home with one
# launch of each; then launches each N times with BERTH_STARTUP_REPORT=exit and prints the painted
# figures (min, median, max), the load before and after, and the last launch's breakdown.
set -euo pipefail
n=$1; a=$(realpath "$2"); b=$(realpath "$3")
for app in "$a" "$b"; do
  if [ ! -f "$app/lib/app/berth.jsa" ] && [ -f "$app/lib/berth.classlist" ]; then
    "$app/lib/runtime/bin/java" -Xshare:dump -XX:SharedClassListFile="$app/lib/berth.classlist" \
      -XX:SharedArchiveFile="$app/lib/app/berth.jsa" -cp "$app/lib/app/berth.jar" >/dev/null 2>&1 \
      || rm -f "$app/lib/app/berth.jsa"
  fi
  [ -f "$app/lib/app/berth.jsa" ] && echo "$app: CDS archive" || echo "$app: WITHOUT a CDS archive"
done
d=71
while [ -e /tmp/.X$d-lock ] || [ -e /tmp/.X11-unix/X$d ]; do d=$((d + 1)); done
Xvfb ":$d" -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb=$!
work=$(mktemp -d)
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do [ -e /tmp/.X11-unix/X$d ] && break; sleep 0.1; done
launch() { HOME=$work/home DISPLAY=":$d" BERTH_STARTUP_REPORT=exit timeout 60 "$1/bin/Berth" 2>&1 >/dev/null; }
mkdir -p "$work/home"
launch "$a" >/dev/null || true
launch "$b" >/dev/null || true
echo "before: $(uptime)"
for _ in $(seq 1 "$n"); do
  launch "$a" | sed -n 's/.*painted \([0-9]*\) ms.*/\1/p' >> "$work/a"
  launch "$b" | tee "$work/last" | sed -n 's/.*painted \([0-9]*\) ms.*/\1/p' >> "$work/b"
done
echo "after:  $(uptime)"
for f in a b; do
  sort -n "$work/$f" | awk -v w="$([ $f = a ] && echo "$a" || echo "$b")" \
    '{x[NR]=$1} END {printf "%s: %d launches, painted min %d ms, median %d ms, max %d ms\n", w, NR, x[1], x[int((NR+1)/2)], x[NR]}'
  echo "  in order: $(tr '\n' ' ' < "$work/$f")"
done
grep '^berth: startup' "$work/last" || true
