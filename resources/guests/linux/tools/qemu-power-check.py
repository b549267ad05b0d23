#!/usr/bin/env python3
"""Exercise the Berth power-button path on QEMU virt as far as QEMU allows.

QEMU's virt has no Berth PM1 block, so this boots the guest with a device tree that adds a
"berth,pm1" node and a simple-framebuffer, both backed by RAM (the top 16 MiB, cut out of the
memory node): berth-pm probes, registers "Berth Power Button" and its S5 power-off handler
(whose write lands in RAM, so after 500 ms it falls through to SBI, which powers QEMU off).
KEY_POWER comes from a virtio keyboard (QMP send-key "power"), which busybox acpid handles
exactly like the PM1 button. Checks the ignore and ask policies, then the orderly power-off.

Needs qemu-system-riscv64 (QEMU 7.2) and dtc (Debian: device-tree-compiler).
Usage: tools/qemu-power-check.py   (from anywhere; exit status 0 when every check passed)
"""
import gzip, os, shutil, socket, subprocess, sys, tempfile, time

IMG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "images")
T = tempfile.mkdtemp(prefix="berth-power-")
with gzip.open(os.path.join(IMG, "Image.gz")) as i, open(f"{T}/Image", "wb") as o:
    shutil.copyfileobj(i, o)

subprocess.run(["qemu-system-riscv64", "-machine", f"virt,dumpdtb={T}/virt.dtb", "-m", "128",
                "-nographic"], check=True, capture_output=True)
dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", f"{T}/virt.dtb"], check=True,
                     capture_output=True, text=True).stdout
dts = dts.replace("reg = <0x00 0x80000000 0x00 0x8000000>;", "reg = <0x00 0x80000000 0x00 0x7000000>;")
plic = dts[dts.index("plic@c000000 {"):]
phandle = plic[plic.index("phandle = <") + 11:plic.index(">", plic.index("phandle = <"))]
nodes = f"""
\t\tberth-pm@87000000 {{
\t\t\tcompatible = "berth,pm1";
\t\t\treg = <0x00 0x87000000 0x00 0x1000>;
\t\t\tinterrupts = <0x0c>;
\t\t\tinterrupt-parent = <{phandle}>;
\t\t}};
\t\tframebuffer@87100000 {{
\t\t\tcompatible = "simple-framebuffer";
\t\t\treg = <0x00 0x87100000 0x00 0x300000>;
\t\t\twidth = <0x400>;
\t\t\theight = <0x300>;
\t\t\tstride = <0x1000>;
\t\t\tformat = "x8r8g8b8";
\t\t}};
"""
i = dts.index("\t\tplic@c000000 {")
open(f"{T}/berth.dts", "w").write(dts[:i] + nodes + dts[i:])
subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", f"{T}/berth.dtb", f"{T}/berth.dts"], check=True)

p = subprocess.Popen(["qemu-system-riscv64", "-machine", "virt", "-accel", "tcg", "-m", "128",
    "-nographic", "-monitor", "none", "-bios", os.path.join(IMG, "fw_jump.bin"),
    "-kernel", f"{T}/Image", "-initrd", os.path.join(IMG, "initramfs.cpio.gz"), "-dtb", f"{T}/berth.dtb",
    "-append", "console=tty1 console=ttyS0 berth.power=ignore",
    # virtio-input needs a virtio 1.0 (non-legacy) transport
    "-global", "virtio-mmio.force-legacy=false", "-device", "virtio-keyboard-device",
    "-qmp", f"unix:{T}/qmp,server=on,wait=off",
    "-chardev", f"socket,id=s,path={T}/serial,server=on,wait=off", "-serial", "chardev:s"],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def connect(path):
    for _ in range(200):
        try:
            s = socket.socket(socket.AF_UNIX); s.connect(path); return s
        except OSError:
            time.sleep(0.025)
    raise SystemExit("no socket " + path)

failed = []
try:
    qmp = connect(f"{T}/qmp"); qmp.sendall(b'{"execute":"qmp_capabilities"}\n')
    ser = connect(f"{T}/serial"); ser.settimeout(0.05)
    out = b""
    def wait(text, seconds=20):
        global out
        end = time.time() + seconds
        while time.time() < end:
            try:
                d = ser.recv(65536)
                if not d:
                    break
                out += d; sys.stdout.write(d.decode(errors="replace")); sys.stdout.flush()
            except socket.timeout:
                pass
            if text.encode() in out:
                return True
        failed.append(text); print(f"\n*** missing: {text!r}"); return False
    def press():
        qmp.sendall(b'{"execute":"send-key","arguments":{"keys":[{"type":"qcode","data":"power"}]}}\n')
    def type_(line):
        ser.sendall(line.encode() + b"\n")

    wait("Berth Power Button"); wait("S5 soft-off enabled"); wait("simplefb registered")
    wait("berth-linux ready in"); wait("# ")
    press(); wait("ignored (policy ignore)")
    type_("power-policy ask"); wait("power button: ask")
    press(); wait("within 60 s to power off")
    press(); wait("pressed again: powering off"); wait("berth-shutdown: syncing")
    wait("berth-pm 87000000.berth-pm: S5 did not power off")  # RAM-backed PM1: falls through to SBI
    rc = p.wait(20)
    print(f"\n[host] QEMU exit status {rc}")
    if rc != 0:
        failed.append("exit 0")
finally:
    if p.poll() is None:
        p.kill()
    shutil.rmtree(T, ignore_errors=True)
print("PASS" if not failed else f"FAIL: {failed}")
sys.exit(1 if failed else 0)
