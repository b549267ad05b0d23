#!/bin/sh
# Starts libvirt's daemons by hand, as on a machine without systemd (CI, these sandboxes):
#   scripts/libvirtd.sh start   configure QEMU to run as root without a security driver or
#                               cgroups, then start virtlogd and libvirtd, and wait for them
#   scripts/libvirtd.sh stop    end both daemons
# Needs the packages scripts/install-deps.sh test installs (libvirt-daemon-driver-qemu …).
set -eu
case ${1:-start} in
  start)
    getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
    getent passwd libvirt-qemu >/dev/null || useradd -r -g libvirt-qemu -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu
    mkdir -p /var/log/libvirt/qemu /var/lib/libvirt/qemu /run/libvirt
    conf=/etc/libvirt/qemu.conf
    if ! grep -q '^# berth: ' "$conf" 2>/dev/null; then
      cat >> "$conf" <<'CONF'
# berth: run QEMU as root with no security driver, cgroups or namespaces (no systemd here)
user = "root"
group = "root"
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
CONF
    fi
    # The daemons' output goes to /dev/null: with a pipe for it (a JVM's ProcessBuilder) libvirtd
    # -d never came up. Their logs are in /var/log/libvirt. A daemon is (re)started whenever none
    # runs, so one killed a moment ago, still on its way out, is replaced too.
    for _ in $(seq 1 600); do
      pgrep -x virtlogd >/dev/null || virtlogd -d </dev/null >/dev/null 2>&1
      pgrep -x libvirtd >/dev/null || libvirtd -d </dev/null >/dev/null 2>&1
      virsh -c qemu:///system version >/dev/null 2>&1 && exit 0
      sleep 0.1
    done
    echo "libvirtd did not answer within 60 s" >&2
    exit 1
    ;;
  stop)
    pkill -x libvirtd || true
    pkill -x virtlogd || true
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
