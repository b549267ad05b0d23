#!/usr/bin/env bash
# Berth's macOS packages (.dmg and .pkg). Needs macOS with a JDK 17+ (jpackage) and iconutil.
# Run from the repository root after "mvn -B package -DskipTests". Not buildable on the Linux CI.
set -euo pipefail
version=0.1.0
mkdir -p target/packaging/input target/packaging/berth.iconset
cp target/berth.jar target/packaging/input/
for s in 16 32 64 128 256 512; do
  cp "packaging/icons/berth-$s.png" "target/packaging/berth.iconset/icon_${s}x${s}.png"
done
iconutil -c icns target/packaging/berth.iconset -o target/packaging/berth.icns
for type in dmg pkg; do
  jpackage --type "$type" --dest target/packaging --name Berth --app-version "$version" \
    --vendor Berth --description "Desktop virtual machine manager" \
    --input target/packaging/input --main-jar berth.jar --main-class dev.berth.Main \
    --add-modules java.base,java.desktop,java.logging,java.management,java.scripting,java.sql,java.xml,jdk.jfr,jdk.unsupported \
    --jlink-options "--strip-debug --no-header-files --no-man-pages" \
    --icon target/packaging/berth.icns --mac-package-identifier dev.berth.Berth \
    --add-launcher berth=packaging/linux/berth-cli.properties \
    --license-file resources/NOTICE
done
