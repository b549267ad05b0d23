#!/bin/sh
# Builds the x86_64 test guest of the QEMU-backend tests: Debian's kernel (unpacked, not
# installed) and a busybox initramfs with acpid and qemu-ga. Needs the packages busybox-static,
# qemu-guest-agent and cpio, and apt access to Debian's archive for the kernel package.
# Usage: build.sh OUTDIR   -> OUTDIR/vmlinuz, OUTDIR/initramfs.cpio.gz
set -eu
out=${1:?usage: build.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
[ -s "$out/vmlinuz" ] && [ -s "$out/initramfs.cpio.gz" ] && [ "$out/initramfs.cpio.gz" -nt "$here/init" ] && exit 0
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-6/{print $2; exit}')
(cd "$work" && apt-get download "$pkg" >/dev/null 2>&1)
dpkg -x "$work"/linux-image-*.deb "$work/k"
root=$work/root
mkdir -p "$root/bin" "$root/sbin" "$root/lib/modules" "$root/etc/acpi/PWRF" "$root/proc" "$root/sys" "$root/dev"
cp /bin/busybox "$root/bin/busybox"
for a in $(/bin/busybox --list); do
    [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
for m in evdev button virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_console; do
    f=$(find "$work/k/lib/modules" -name "$m.ko*" | head -n1)
    case $f in
        *.xz) xz -dc "$f" > "$root/lib/modules/$m.ko" ;;
        *) cp "$f" "$root/lib/modules/$m.ko" ;;
    esac
done
# qemu-ga is dynamically linked: the binary, its libraries and the loader.
cp /usr/sbin/qemu-ga "$root/sbin/"
for lib in $(ldd /usr/sbin/qemu-ga | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
done
install -m 755 "$here/init" "$root/init"
install -m 755 "$here/shutdown" "$root/sbin/shutdown"
printf '#!/bin/sh\nsync\npoweroff -f\n' > "$root/etc/acpi/PWRF/00000080"
chmod 755 "$root/etc/acpi/PWRF/00000080"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) > "$work/initramfs.cpio.gz"
cp "$work/k/boot"/vmlinuz-* "$work/vmlinuz"
mv "$work/vmlinuz" "$out/vmlinuz"
mv "$work/initramfs.cpio.gz" "$out/initramfs.cpio.gz"
echo "$pkg" > "$out/kernel-package"
