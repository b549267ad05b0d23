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
  --add-launcher berth=packaging/linux/berth-cli.properties
share="$out/Berth/lib/share"
mkdir -p "$share/icons"
cp packaging/linux/berth.desktop packaging/linux/dev.berth.Berth.metainfo.xml "$share/"
cp packaging/icons/berth.svg packaging/icons/berth-*.png "$share/icons/"
cp resources/NOTICE "$share/NOTICE"
echo "app image: $(du -sh "$out/Berth" | cut -f1) in $(( $(date +%s) - t0 )) s"

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
