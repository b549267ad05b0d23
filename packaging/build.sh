#!/usr/bin/env bash
# Builds Berth's Linux installers with the JDK's jpackage: an app image with a trimmed runtime,
# a .deb, and an .rpm when rpmbuild is installed. Output: target/packaging/.
# Usage: packaging/build.sh [app-image|deb|rpm|all]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
version=$(sed -n 's:^  <version>\([0-9.]*\).*</version>:\1:p' pom.xml | head -1)
out=target/packaging
# The modules the app uses (jdeps --print-module-deps on target/berth.jar), plus logging and XML.
modules=java.base,java.desktop,java.logging,java.management,java.scripting,java.sql,java.xml,jdk.jfr,jdk.unsupported

[ -f target/berth.jar ] || mvn -q -B package -DskipTests
rm -rf "$out" && mkdir -p "$out/input"
cp target/berth.jar "$out/input/"

t0=$(date +%s)
jpackage --type app-image --dest "$out" --name Berth --app-version "$version" \
  --vendor "Berth" --description "Desktop virtual machine manager" \
  --input "$out/input" --main-jar berth.jar --main-class dev.berth.Main \
  --add-modules "$modules" --jlink-options "--strip-debug --no-header-files --no-man-pages" \
  --icon packaging/icons/berth-256.png \
  --java-options '-XX:SharedArchiveFile=$APPDIR/berth.jsa' \
  --add-launcher berth=packaging/linux/berth-cli.properties
share="$out/Berth/lib/share"
mkdir -p "$share/icons"
cp packaging/linux/berth.desktop packaging/linux/dev.berth.Berth.metainfo.xml "$share/"
cp packaging/icons/berth.svg packaging/icons/berth-*.png "$share/icons/"
cp resources/NOTICE "$share/NOTICE"
echo "app image: $(du -sh "$out/Berth" | cut -f1) in $(( $(date +%s) - t0 )) s"

# Class-data sharing, for a faster launch: the classes one launch of the window loads, listed by
# a real launch under Xvfb. The archive itself is dumped from this list by postinst, at the
# installed path: CDS accepts a jar only where it was when the archive was made. Without the
# archive (or Xvfb here) the launchers start as before.
if command -v Xvfb >/dev/null; then
  n=91
  while [ -e /tmp/.X$n-lock ] || [ -e /tmp/.X11-unix/X$n ]; do n=$((n + 1)); done
  Xvfb ":$n" -screen 0 1280x800x24 >/dev/null 2>&1 &
  xvfb=$!
  sleep 1
  train_home=$(mktemp -d)
  HOME=$train_home DISPLAY=":$n" BERTH_STARTUP_REPORT=exit timeout 60 \
    "$out/Berth/lib/runtime/bin/java" -XX:DumpLoadedClassList="$out/Berth/lib/berth.classlist" \
    -cp "$out/Berth/lib/app/berth.jar" dev.berth.Main 2>&1 | grep 'window painted' || true
  kill $xvfb 2>/dev/null || true
  rm -rf "$train_home"
  echo "class list for CDS: $(wc -l < "$out/Berth/lib/berth.classlist") classes"
else
  echo "Xvfb not installed: no class list, the installed app starts without a CDS archive"
fi

package() {
  local type=$1
  t0=$(date +%s)
  jpackage --type "$type" --dest "$out" --app-image "$out/Berth" --name berth --app-version "$version" \
    --vendor "Berth" --description "Desktop virtual machine manager" \
    --linux-package-name berth --linux-app-category utils --linux-menu-group System \
    --linux-package-deps libgtk-3-0 --resource-dir packaging/linux/resources \
    --license-file resources/NOTICE --install-dir /opt
  ls -la "$out"/*."$type"
  echo "$type built in $(( $(date +%s) - t0 )) s"
}
case $what in
  app-image) ;;
  deb) package deb ;;
  rpm) package rpm ;;
  all)
    package deb
    if command -v rpmbuild >/dev/null; then package rpm; else echo "rpmbuild not installed: no .rpm"; fi
    ;;
  *) echo "usage: $0 [app-image|deb|rpm|all]" >&2; exit 2 ;;
esac
