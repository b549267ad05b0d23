#!/bin/bash
# Rebuild every Berth bare-metal guest into bin/NAME.elf (reproducibly, one job at a time).
# Needs: gcc-riscv64-unknown-elf, binutils-riscv64-unknown-elf (Debian 12: gcc 12.2, binutils 2.40).
# Usage: ./build.sh [NAME...]     (default: every src/NAME.c and src/NAME.S)
set -euo pipefail
cd "$(dirname "$0")"

CROSS=${CROSS:-riscv64-unknown-elf-}
CC=${CROSS}gcc
STRIP=${CROSS}strip
ARCH="-march=rv64imac -mabi=lp64 -misa-spec=2.2 -mcmodel=medany"
# fpu's inline assembly needs F and D; it keeps the lp64 ABI, so it links with the rest.
FP_ARCH="-march=rv64imafdc -mabi=lp64 -misa-spec=2.2 -mcmodel=medany"
CFLAGS="-O2 -g0 -nostdlib -ffreestanding -fno-builtin -static -fno-pic \
  -fno-stack-protector -fno-asynchronous-unwind-tables -fno-unwind-tables \
  -ffunction-sections -fdata-sections -fno-strict-aliasing -ffile-prefix-map=$PWD/= \
  -Wall -Wextra -Wno-unused-parameter -Werror -Ilib"
LDFLAGS="-T link.ld -Wl,--gc-sections -Wl,--build-id=none -Wl,--no-warn-rwx-segments"

export LC_ALL=C SOURCE_DATE_EPOCH=0
OBJ=$(mktemp -d)
trap 'rm -rf "$OBJ"' EXIT

LIBOBJS=()
for f in lib/crt0.S lib/uart.c lib/printf.c lib/lib.c; do
    o="$OBJ/lib_$(basename "${f%.*}").o"
    $CC $ARCH $CFLAGS -c "$f" -o "$o"
    LIBOBJS+=("$o")
done

if [ $# -gt 0 ]; then
    NAMES=("$@")
else
    NAMES=()
    for f in src/*.c src/*.S; do
        [ -e "$f" ] || continue
        n=$(basename "$f"); NAMES+=("${n%.*}")
    done
fi

mkdir -p bin
for n in "${NAMES[@]}"; do
    if [ -e "src/$n.c" ]; then src="src/$n.c"; else src="src/$n.S"; fi
    arch=$ARCH
    [ "$n" = fpu ] && arch=$FP_ARCH
    $CC $arch $CFLAGS -c "$src" -o "$OBJ/$n.o"
    $CC $arch $CFLAGS $LDFLAGS -o "$OBJ/$n.elf" "$OBJ/$n.o" "${LIBOBJS[@]}"
    $STRIP --strip-debug -R .comment -o "bin/$n.elf" "$OBJ/$n.elf"
    echo "built bin/$n.elf ($(stat -c %s "bin/$n.elf") bytes)"
done
