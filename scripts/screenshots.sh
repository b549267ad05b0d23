#!/usr/bin/env bash
# Takes the README's screenshots of the real app in a real window under Xvfb, driving it with
# the keyboard as a user would. Needs: xvfb, libgtk-3-0, xdotool, imagemagick; target/berth.jar.
# Prints the time from launch to a visible window.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/screenshots
mkdir -p "$out"
home=$(mktemp -d)
n=57
while [ -e /tmp/.X$n-lock ] || [ -e /tmp/.X11-unix/X$n ]; do n=$((n + 1)); done
export DISPLAY=:$n
Xvfb "$DISPLAY" -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$home"' EXIT
sleep 1

# Force off asks first; the script answers for it here, as "Don't ask again" would
mkdir -p "$home/.config/berth"
printf '{"confirm": {"force-off": false}}\n' > "$home/.config/berth/settings.json"
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
echo "launch to visible window: $(( (t1 - t0) / 1000000 )) ms"
sleep 1
xdotool windowactivate --sync "$win" 2>/dev/null || true
xdotool windowmove "$win" 0 0 windowsize "$win" 1200 760
sleep 0.5
shot() { sleep "${2:-1}"; import -window root -crop 1200x790+0+0 "$out/$1.png"; echo "took $out/$1.png"; }

key() { xdotool key --window "$win" "$@"; }
key ctrl+shift+s          # Start
sleep 2
xdotool mousemove 700 400 click 1   # focus the console
xdotool type --delay 40 'help'
key Return
shot running 1.5
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
# Overview with the agent, and "Shut down" through the agent.
xdotool mousemove 100 100 click 1
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
key alt+3
shot linux-overview 6
key ctrl+shift+d          # Shut down: the guest agent answers, so it goes that way
sleep 4
key alt+4
shot linux-events 1
