#!/bin/bash
# Rebuild the Berth Linux guest from Debian 12 (bookworm) packages only.
#
#   sudo resources/guests/linux/build.sh            # everything (apt-get needs root)
#   SKIP_APT=1 resources/guests/linux/build.sh      # packages already installed
#   resources/guests/linux/build.sh kernel|busybox|agent|initramfs|disk|firmware|notice
#
# Work dir (sources, build trees): $BERTH_LINUX_WORK (default /tmp/berth-linux-build),
# never inside the repository. Outputs go to resources/guests/linux/images/:
#   Image.gz            Linux 6.1 kernel (RISC-V "Image", gzip -9n)
#   initramfs.cpio.gz   busybox (static) + /init + power policy + guest agent
#   fw_jump.bin         OpenSBI generic fw_jump (copied from Debian's opensbi package)
#   data.img.gz         empty 32 MiB ext2 data-disk template (label berth-data)
# and resources/NOTICE records the exact package versions used.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
RES=$(cd "$HERE/../.." && pwd)
OUT=$HERE/images
W=${BERTH_LINUX_WORK:-/tmp/berth-linux-build}
JOBS=${JOBS:-2}
CROSS=riscv64-linux-gnu-
TOOLS_ARCH="ARCH=riscv CROSS_COMPILE=$CROSS"

# Pinned Debian 12 versions (the ones the committed images were built from).
# Override with e.g. LINUX_SOURCE_VERSION=... if the mirror has moved on.
GCC_VERSION=${GCC_VERSION:-4:12.2.0-5}
LIBC_CROSS_VERSION=${LIBC_CROSS_VERSION:-2.36-8cross1}
LINUX_SOURCE_VERSION=${LINUX_SOURCE_VERSION:-6.1.192-2}
OPENSBI_VERSION=${OPENSBI_VERSION:-1.1-2}
BUSYBOX_VERSION=${BUSYBOX_VERSION:-1:1.35.0-4+deb12u1}
E2FSPROGS_VERSION=${E2FSPROGS_VERSION:-1.47.0-2}

export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600}  # 2026-01-01
export KBUILD_BUILD_TIMESTAMP="@$SOURCE_DATE_EPOCH" KBUILD_BUILD_USER=berth \
       KBUILD_BUILD_HOST=berth KBUILD_BUILD_VERSION=1

log() { printf '\n=== %s: %s\n' "$(date -u +%H:%M:%S)" "$*"; }

APT_PRIV=(-o Dir::Etc::sourcelist="$W/apt/sources.list" -o Dir::Etc::sourceparts=-
          -o Dir::State::lists="$W/apt/lists" -o Dir::Cache="$W/apt/cache")

stage_apt() {
    [ "${SKIP_APT:-0}" = 1 ] && return 0
    log "apt-get install (pinned)"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "gcc-riscv64-linux-gnu=$GCC_VERSION" "libc6-dev-riscv64-cross=$LIBC_CROSS_VERSION" \
        "linux-source-6.1=$LINUX_SOURCE_VERSION" "opensbi=$OPENSBI_VERSION" \
        gcc make flex bison bc cpio gzip xz-utils e2fsprogs dpkg-dev
}

# Debian source packages through a private deb-src list (the system's lists stay untouched).
fetch_source() { # PKG VERSION DIRGLOB
    local pkg=$1 ver=$2
    mkdir -p "$W/apt/lists/partial" "$W/apt/cache/archives/partial" "$W/src"
    echo "deb-src http://deb.debian.org/debian bookworm main" > "$W/apt/sources.list"
    if ! ls -d "$W/src/$3" >/dev/null 2>&1; then
        apt-get -q "${APT_PRIV[@]}" update
        (cd "$W/src" && apt-get -q "${APT_PRIV[@]}" source "$pkg=$ver")
    fi
}

stage_kernel() {
    log "kernel: Linux $LINUX_SOURCE_VERSION + Berth PM driver"
    local src=$W/src/linux-source-6.1 kb=$W/kbuild
    rm -rf "$src"; mkdir -p "$W/src"
    tar -xf /usr/src/linux-source-6.1.tar.xz -C "$W/src"
    # Berth's own driver, copied in (drivers/platform/berth) and hooked into Kconfig/Makefile.
    cp -r "$HERE/kernel/drivers/platform/berth" "$src/drivers/platform/"
    echo 'source "drivers/platform/berth/Kconfig"' >> "$src/drivers/platform/Kconfig"
    echo 'obj-$(CONFIG_BERTH_PLATFORM)	+= berth/' >> "$src/drivers/platform/Makefile"
    mkdir -p "$kb"
    make -C "$src" O="$kb" $TOOLS_ARCH tinyconfig >/dev/null
    (cd "$src" && KCONFIG_CONFIG="$kb/.config" ARCH=riscv \
        scripts/kconfig/merge_config.sh -m -O "$kb" "$kb/.config" "$HERE/kernel/berth.config" >/dev/null)
    make -C "$src" O="$kb" $TOOLS_ARCH olddefconfig >/dev/null
    # Every option of the fragment must have survived (a dropped dependency is an error).
    local bad=0 line
    while IFS= read -r line; do
        case $line in CONFIG_*=y) grep -qx "$line" "$kb/.config" || { echo "missing: $line"; bad=1; } ;; esac
    done < "$HERE/kernel/berth.config"
    [ $bad = 0 ] || { echo "kernel config fragment not fully applied" >&2; exit 1; }
    make -C "$src" O="$kb" $TOOLS_ARCH -j"$JOBS" Image
    mkdir -p "$OUT"
    gzip -9n < "$kb/arch/riscv/boot/Image" > "$OUT/Image.gz"
    cp "$kb/.config" "$W/kernel.config.full"
}

stage_busybox() {
    log "busybox $BUSYBOX_VERSION (static)"
    fetch_source busybox "$BUSYBOX_VERSION" 'busybox-1.35.0'
    local bb=$W/src/busybox-1.35.0
    make -C "$bb" $TOOLS_ARCH defconfig >/dev/null
    sed -i -e 's/^# CONFIG_STATIC is not set/CONFIG_STATIC=y/' \
           -e 's/^CONFIG_TC=y/# CONFIG_TC is not set/' "$bb/.config"
    make -C "$bb" $TOOLS_ARCH oldconfig </dev/null >/dev/null
    make -C "$bb" $TOOLS_ARCH -j"$JOBS" busybox
    ${CROSS}strip "$bb/busybox"
}

stage_e2fsck() {
    log "e2fsck $E2FSPROGS_VERSION (static, for the data disk)"
    fetch_source e2fsprogs "$E2FSPROGS_VERSION" 'e2fsprogs-1.47.0'
    local s=$W/src/e2fsprogs-1.47.0 b=$W/e2fs-build
    mkdir -p "$b"
    if [ ! -f "$b/Makefile" ]; then
        (cd "$b" && "$s/configure" --host=riscv64-linux-gnu --disable-nls --disable-fuse2fs \
            --disable-uuidd --disable-defrag --disable-imager --disable-debugfs \
            --disable-resizer --disable-elf-shlibs \
            LDFLAGS=-static >/dev/null)
    fi
    make -C "$b" -j"$JOBS" libs >/dev/null
    make -C "$b/e2fsck" -j"$JOBS" e2fsck >/dev/null
    ${CROSS}strip -o "$W/e2fsck" "$b/e2fsck/e2fsck"
}

stage_agent() {
    log "berth-ga (guest agent, static)"
    mkdir -p "$W/agent"
    ${CROSS}gcc -static -Os -Wall -Wextra -Werror -o "$W/agent/berth-ga" "$HERE/agent/berth-ga.c"
    ${CROSS}strip "$W/agent/berth-ga"
}

stage_initramfs() {
    log "initramfs"
    local r=$W/rootfs
    rm -rf "$r"; mkdir -p "$r"
    make -C "$W/src/busybox-1.35.0" $TOOLS_ARCH CONFIG_PREFIX="$r" install >/dev/null
    mkdir -p "$r"/{dev,proc,sys,run,tmp,data,root,etc,var/log,usr/sbin}
    cp -a "$HERE/rootfs/." "$r/"
    [ -f "$W/agent/berth-ga" ] && cp "$W/agent/berth-ga" "$r/sbin/berth-ga"
    [ -f "$W/e2fsck" ] && cp "$W/e2fsck" "$r/sbin/e2fsck"
    # our power commands replace busybox's symlinks (they run the orderly shutdown)
    for c in poweroff halt reboot; do ln -sf berth-poweroff "$r/sbin/$c"; done
    rm -f "$r/linuxrc"
    chmod 1777 "$r/tmp"; chmod 700 "$r/root"
    mknod -m 600 "$r/dev/console" c 5 1
    mknod -m 666 "$r/dev/null" c 1 3
    find "$r" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
    (cd "$r" && find . | sort | cpio --quiet -o -H newc -R 0:0 --reproducible) \
        | gzip -9n > "$OUT/initramfs.cpio.gz"
}

stage_disk() {
    log "data-disk template"
    local img=$W/data.img
    rm -f "$img"; truncate -s 32M "$img"
    E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH mkfs.ext2 -q -F -L berth-data -m 0 \
        -U 62657274-6800-4000-8000-000000000001 -E hash_seed=62657274-6800-4000-8000-000000000002 \
        -b 1024 -N 2048 "$img"
    gzip -9n < "$img" > "$OUT/data.img.gz"
}

stage_firmware() {
    log "OpenSBI $OPENSBI_VERSION"
    cp /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin "$OUT/fw_jump.bin"
}

ver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "?"; }

stage_notice() {
    log "NOTICE"
    local bbv=$BUSYBOX_VERSION e2v=$E2FSPROGS_VERSION
    cat > "$RES/NOTICE" <<EOF
Berth — third-party components shipped in resources/
=====================================================

Berth's own code (the app, the bare-metal guests in resources/guests/bare, the
Linux guest's scripts in resources/guests/linux/rootfs and its guest agent
resources/guests/linux/agent/berth-ga.c) is the Berth project's own work, under
the project's licence (the repository does not declare one yet). The Berth power-management kernel driver
(resources/guests/linux/kernel/drivers/platform/berth/berth-pm.c) is GPL-2.0,
as it is built into Linux.

Binaries in resources/guests/linux/images/ and the Debian 12 (bookworm)
packages they were built from (rebuild: resources/guests/linux/build.sh):

  Image.gz           Linux kernel, GPL-2.0-only with the syscall note (with the Berth berth-pm driver, GPL-2.0)
                     source package linux (binary linux-source-6.1 $(ver linux-source-6.1))
                     compiled with gcc-riscv64-linux-gnu $(ver gcc-riscv64-linux-gnu)
                     (cpp/gcc-12-riscv64-linux-gnu $(ver gcc-12-riscv64-linux-gnu))
  initramfs.cpio.gz  BusyBox 1.35.0, GPL-2.0, source package busybox $bbv
                     statically linked with the GNU C Library, LGPL-2.1-or-later,
                     libc6-dev-riscv64-cross $(ver libc6-dev-riscv64-cross)
                     (source package cross-toolchain-base), and libgcc (GPL-3.0 with the
                     GCC Runtime Library Exception)
                     e2fsck (/sbin/e2fsck, static) from e2fsprogs 1.47.0, GPL-2.0,
                     source package e2fsprogs $e2v, with e2fsprogs' own libraries
                     libext2fs and libe2p (LGPL-2.0), libcom_err (MIT), libuuid
                     (BSD-3-Clause) and libblkid (LGPL)
                     berth-ga (guest agent) and the init scripts: Berth's own code
  fw_jump.bin        OpenSBI 1.1 generic fw_jump, BSD-2-Clause, package opensbi $(ver opensbi)
  data.img.gz        an empty ext2 filesystem made by mkfs.ext2 (e2fsprogs $(ver e2fsprogs));
                     contains no third-party code

Build tools (not shipped): flex $(ver flex), bison $(ver bison), bc $(ver bc),
cpio $(ver cpio), gzip $(ver gzip), make $(ver make).

Corresponding source: Debian's source packages of exactly the versions above
(snapshot.debian.org keeps every version), plus the files in
resources/guests/linux/ that build.sh adds to them.
EOF
}

ALL=(apt kernel busybox e2fsck agent initramfs disk firmware notice)
STAGES=("$@"); [ ${#STAGES[@]} -gt 0 ] || STAGES=("${ALL[@]}")
mkdir -p "$W" "$OUT"
START=$(date +%s)
for s in "${STAGES[@]}"; do "stage_$s"; done
log "done in $(( $(date +%s) - START )) s"
ls -l "$OUT"
