#!/bin/sh
# Assembles probe.S into kvm-probe.img, the boot sector Berth's KvmProbe runs under -accel kvm.
# Needs binutils for x86-64 (Debian: binutils). The output is committed and reproducible: the
# same bytes on every run (KvmProbeImageTest rebuilds it and compares).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/kvm-probe.img}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
as --64 -o "$tmp/probe.o" "$here/probe.S"
ld -m elf_x86_64 -Ttext=0x7c00 -e _start --oformat=binary -o "$out" "$tmp/probe.o"
size=$(wc -c < "$out")
[ "$size" -eq 512 ] || { echo "kvm-probe.img is $size bytes, not 512" >&2; exit 1; }
