#!/bin/sh
# Installs the Debian 12 packages Berth needs, on a fresh machine with no apt lists yet:
#   app   build and run the app on the bundled core (a JDK 17, Maven, GTK 3 for JavaFX)
#   test  everything the test suite needs too: QEMU for riscv64 and x86_64 (differential tests,
#         qemu-img for QEMU snapshots on qcow2 disks,
#         the QEMU backend, VNC consoles), qemu-ga and busybox for the x86 test guest's initramfs,
#         binutils for the KVM probe's boot sector, dtc, Xvfb/xdotool/ImageMagick for real-window
#         screenshots, fakeroot and rpm (rpmbuild) for the installers, libvirt's daemon and
#         client library for the libvirt backend's tests (started by scripts/libvirtd.sh), and
#         OpenSSH, whose sshd the remote-host tests start on 127.0.0.1 themselves
# The README's two commands and .ci/run call this, so the lists cannot drift apart.
set -eu
what=${1:-test}
app="openjdk-17-jdk maven libgtk-3-0"
test="openjdk-17-jdk-headless maven libgtk-3-0 qemu-system-misc qemu-system-x86 qemu-utils qemu-guest-agent
  busybox-static cpio binutils device-tree-compiler xvfb xdotool imagemagick fakeroot rpm
  libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients libvirt0 openssh-server openssh-client"
# The app takes the packages' recommendations (fonts, themes a desktop user wants); the tests
# need only what they name.
case $what in
  app) pkgs=$app; lean= ;;
  test) pkgs=$test; lean=--no-install-recommends ;;
  *) echo "usage: $0 app|test" >&2; exit 2 ;;
esac
as_root=
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root (or install sudo)" >&2; exit 1; }
  as_root=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -q
# No daemon starts as a side effect of installing (sshd on port 22, libvirtd): the tests start
# the ones they need and end them, and a stray one would outlive the run. Debian's policy-rc.d
# hook says so to the packages' scripts, for this install only.
policy=/usr/sbin/policy-rc.d
if [ "$what" = test ] && [ ! -e $policy ]; then
  printf '#!/bin/sh\nexit 101\n' | $as_root tee $policy >/dev/null
  $as_root chmod 755 $policy
  trap '$as_root rm -f $policy' EXIT
fi
# shellcheck disable=SC2086 # the package lists are meant to split
$as_root apt-get install -y -q $lean $pkgs >/dev/null
