#!/usr/bin/env bash
# Takes the README's screenshots of the real app in a real window under Xvfb, driving it with
# the keyboard as a user would, once in the Light theme and once in the Dark one (files ending in
# -dark). Needs: xvfb, libgtk-3-0, xdotool, imagemagick; target/berth.jar.
# Usage: screenshots.sh [light|dark]... (both by default). Prints the time from launch to a
# visible window.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/screenshots
mkdir -p "$out"
themes=("$@")
[ ${#themes[@]} -gt 0 ] || themes=(light dark)

session() {
theme=$1
suffix=$2
home=$(mktemp -d)
n=57
while [ -e /tmp/.X$n-lock ] || [ -e /tmp/.X11-unix/X$n ]; do n=$((n + 1)); done
export DISPLAY=:$n
Xvfb "$DISPLAY" -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb=$!
app=""
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$home"' EXIT
sleep 1

# Force off asks first; the script answers for it here, as "Don't ask again" would
mkdir -p "$home/.config/berth"
printf '{"confirm": {"force-off": false}, "theme": "%s"}\n' "$theme" > "$home/.config/berth/settings.json"
t0=$(date +%s%N)
HOME=$home XDG_CONFIG_HOME= XDG_STATE_HOME= XDG_RUNTIME_DIR= timeout 300 java -Dprism.order=sw -jar target/berth.jar &
app=$!
win=""
for _ in $(seq 1 300); do
  win=$(xdotool search --onlyvisible --name '^Berth$' 2>/dev/null | head -1 || true)
  [ -n "$win" ] && break
  sleep 0.05
done
t1=$(date +%s%N)
[ -n "$win" ] || { echo "no window" >&2; exit 1; }
echo "$theme: launch to visible window: $(( (t1 - t0) / 1000000 )) ms"
sleep 1
xdotool windowactivate --sync "$win" 2>/dev/null || true
xdotool windowmove "$win" 0 0 windowsize "$win" 1200 760
sleep 0.5
shot() { sleep "${2:-1}"; import -window root -crop 1200x790+0+0 "$out/$1$suffix.png"; echo "took $out/$1$suffix.png"; }

key() { xdotool key --window "$win" "$@"; }
key ctrl+shift+s          # Start
sleep 2
xdotool mousemove 700 400 click 1   # focus the console
xdotool type --delay 40 'help'
key Return
shot running 1.5
xdotool mousemove 92 18 click 1     # the Machine menu: every action of the VmAction table, with its icon
shot machine-menu 0.8
xdotool key Escape
xdotool mousemove 341 58 click 1    # the toolbar's Shut down ▾: the other ways to stop or restart
shot shutdown-menu 0.8
xdotool key Escape
key alt+2                 # Display: what the guest draws on its framebuffer
shot display 1
key alt+1
xdotool mousemove 700 400 click 1
xdotool type --delay 40 'button ignore'
key Return
sleep 0.5
key ctrl+shift+p          # Power button: the guest ignores it, the app waits and counts
shot powering-down 4
key ctrl+shift+f          # Force off
sleep 2
key alt+5                 # Timeline
shot timeline 1
key ctrl+shift+s          # a second run that the guest ends itself
sleep 2
key alt+1
xdotool mousemove 700 400 click 1
xdotool type --delay 40 'poweroff'
key Return
sleep 2
key alt+5
shot shut-off-timeline 1

# The shipped Linux guest (the second VM in the list): serial console, framebuffer console,
# full screen, Overview with its graphs and the agent, "Shut down" through the agent, and the
# guest's shutdown steps on the timeline.
xdotool mousemove 100 170 click 1
key ctrl+shift+s
sleep 12
key alt+1
xdotool mousemove 700 400 click 1
xdotool type --delay 40 'uname -a; head -2 /etc/os-release'
key Return
shot linux-console 1
key alt+2
xdotool mousemove 700 400 click 1   # the framebuffer console: typed on the virtio keyboard
xdotool type --delay 60 'echo typed on the virtio keyboard'
key Return
shot linux-display 1
xdotool key F11                      # full screen, with its toolbar over the top edge
xdotool mousemove 640 10
shot linux-fullscreen 1.5
xdotool key F11
sleep 1
key alt+3
shot linux-overview 8
# two snapshots, taken from the CLI over the VM's QMP socket, in the Snapshots tab
berth() { HOME=$home XDG_CONFIG_HOME= XDG_STATE_HOME= XDG_RUNTIME_DIR= java -jar target/berth.jar "$@"; }
berth snapshot linux create fresh-boot -d "the guest just booted" >/dev/null
xdotool mousemove 700 400 click 1
berth snapshot linux create before-cleanup -d "before the data disk is wiped" >/dev/null
key alt+6
shot linux-snapshots 1.5
key ctrl+shift+d          # Shut down: the guest agent answers, so it goes that way
sleep 4
key alt+4
shot linux-events 1
key alt+5
shot linux-timeline 1
kill $app 2>/dev/null || true
wait $app 2>/dev/null || true
kill $xvfb 2>/dev/null || true
wait $xvfb 2>/dev/null || true
rm -rf "$home"
trap - EXIT
}

for t in "${themes[@]}"; do
  case $t in
    light) session light "" ;;
    dark) session dark -dark ;;
    *) echo "usage: screenshots.sh [light|dark]..." >&2; exit 2 ;;
  esac
done
