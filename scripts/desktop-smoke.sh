#!/usr/bin/env bash
# Proves the desktop window really renders the studio UI — not merely that the binary starts.
# It runs a built desktop binary on a virtual X display with a fresh config folder, waits until
# the UI reports the login screen (the UI calls the bound method UIReady("login") when that
# screen mounts; the App writes it to <config>/ui-state.json), screenshots the display into
# test-results/desktop-login.png and checks the picture is not blank. Then it starts a server
# with the demo studio, seeds leads through its API (scripts/seed-leads.mjs), starts the app
# signed in to it, clicks 客资 in the menu (xdotool) and keeps the lead list, synced into the
# replica, in test-results/desktop-leads.png. It builds nothing.
#
#   scripts/desktop-smoke.sh bin/studiodesk      (the server binary beside it: SERVER_BIN)
#
# Env: STUDIODESK_SERVER  address passed as --server (default http://127.0.0.1:8640; the login
#                         screen renders whether or not a server answers there)
#      SMOKE_TIMEOUT      seconds to wait for the login screen (default 60)
#      SMOKE_OUT          folder for the screenshot (default test-results)
#      SERVER_BIN         server binary for the lead list (default: studiodesk-server beside the app)
# Needs: Xvfb (xvfb), import + identify (imagemagick), xdotool, node, the desktop binary's webkit2gtk-4.0.
set -euo pipefail

bin=${1:?usage: scripts/desktop-smoke.sh path/to/studiodesk (built with -tags desktop,production)}
server=${STUDIODESK_SERVER:-http://127.0.0.1:8640}
timeout=${SMOKE_TIMEOUT:-60}
out=${SMOKE_OUT:-test-results}

fail() { echo "desktop-smoke: FAIL: $*" >&2; exit 1; }
[ -x "$bin" ] || fail "$bin is not an executable"
server_bin=${SERVER_BIN:-$(dirname "$bin")/studiodesk-server}
[ -x "$server_bin" ] || fail "$server_bin is not an executable (set SERVER_BIN)"
for tool in Xvfb import identify convert xdotool node; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install xvfb imagemagick xdotool nodejs)"
done

mkdir -p "$out"
work=$(mktemp -d)
cfg="$work/config"
xvfb_pid=""
app_pid=""
server_pid=""

stop() { # stop PID: TERM, then KILL if it has not exited within 10 s
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  if [ -n "$app_pid" ]; then stop "$app_pid"; fi
  if [ -n "$server_pid" ]; then stop "$server_pid"; fi
  if [ -n "$xvfb_pid" ]; then stop "$xvfb_pid"; fi
  rm -rf "$work"
}
trap cleanup EXIT
show_logs() {
  echo "--- app log" >&2; tail -n 40 "$work/app.log" >&2 || true
  echo "--- ui-state.json" >&2; cat "$cfg/ui-state.json" >&2 2>/dev/null || echo "(none)" >&2
}

# wait_screen NAME NAME_ON_TIMEOUT: until the UI reports screen NAME in ui-state.json.
wait_screen() {
  local deadline=$((SECONDS + timeout)) rc
  until grep -Eq "\"screen\": *\"$1\"" "$cfg/ui-state.json" 2>/dev/null; do
    if ! kill -0 "$app_pid" 2>/dev/null; then
      wait "$app_pid" && rc=0 || rc=$?
      app_pid=""
      show_logs
      fail "the app exited (status $rc) before showing the $1 screen"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      DISPLAY=$display import -window root "$out/$2" 2>/dev/null || true
      show_logs
      fail "no $1 screen within ${timeout} s (screen so far: $out/$2)"
    fi
    sleep 0.2
  done
}

# screenshot FILE: the display, retried until it shows more than a blank background.
screenshot() {
  local colors=0
  for _ in $(seq 1 25); do
    DISPLAY=$display import -window root "$1"
    colors=$(identify -format '%k' "$1")
    [ "$colors" -ge 32 ] && break
    sleep 0.2
  done
  [ "$colors" -ge 32 ] || { show_logs; fail "the screenshot $1 is blank ($colors colours)"; }
  kill -0 "$app_pid" 2>/dev/null || fail "the app exited right after rendering"
  echo "$colors"
}

# Xvfb picks a free display itself and writes its number to fd 3 once it accepts clients.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
xvfb_pid=$!
deadline=$((SECONDS + 15))
until [ -s "$work/display" ]; do
  kill -0 "$xvfb_pid" 2>/dev/null || { cat "$work/xvfb.log" >&2; fail "Xvfb did not start"; }
  [ "$SECONDS" -lt "$deadline" ] || fail "Xvfb did not report a display within 15 s"
  sleep 0.1
done
display=":$(tr -d '[:space:]' <"$work/display")"
echo "desktop-smoke: display $display, config $cfg, server $server"

DISPLAY=$display "$bin" --config "$cfg" --server "$server" >"$work/app.log" 2>&1 &
app_pid=$!

wait_screen login desktop-login-timeout.png
# The screen has mounted; the first frame may still be painting.
colors=$(screenshot "$out/desktop-login.png")
echo "desktop-smoke: OK: login screen rendered ($colors colours) -> $out/desktop-login.png"
stop "$app_pid"
app_pid=""

# The lead list: a server with the demo studio and seeded leads, the app signed in to it.
"$server_bin" serve --demo --data "$work/server" --addr 127.0.0.1:0 >"$work/server.log" 2>&1 &
server_pid=$!
deadline=$((SECONDS + 30))
until [ -s "$work/server/demo-login.json" ] && grep -q "listening on" "$work/server.log"; do
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; fail "the server did not start"; }
  [ "$SECONDS" -lt "$deadline" ] || { cat "$work/server.log" >&2; fail "the server did not start within 30 s"; }
  sleep 0.1
done
node "$(dirname "$0")/seed-leads.mjs" "$work/server/demo-login.json" 40 || fail "seeding leads failed"

cfg="$work/config-leads"
DISPLAY=$display "$bin" --config "$cfg" --demo-login "$work/server/demo-login.json" >"$work/app.log" 2>&1 &
app_pid=$!
wait_screen home desktop-home-timeout.png
# A person's click on 客资 in the menu (the window fills the 1280x800 screen; no window manager).
# Where the item sits depends on the menu (its length, its scroll), so walk down the menu
# column clicking until the UI reports the lead list.
wid=$(DISPLAY=$display xdotool search --sync --onlyvisible --name 'StudioDesk' | head -n1)
[ -n "$wid" ] || fail "no StudioDesk window on $display"
for y in $(seq 70 28 790); do
  DISPLAY=$display xdotool mousemove --window "$wid" 60 "$y" click 1
  sleep 0.4
  grep -Eq '"screen": *"leads"' "$cfg/ui-state.json" 2>/dev/null && break
done
wait_screen leads desktop-leads-timeout.png
sleep 3 # the first sync fills the replica and the list refreshes
colors=$(screenshot "$out/desktop-leads.png")
# The page itself, right of the menu and below the header: a page that failed to render is
# the grey background and the watermark (about 20 colours); 40 rows of names are thousands.
content=$(convert "$out/desktop-leads.png" -crop 1060x700+210+80 +repage -format '%k' info:)
[ "$content" -ge 400 ] || { show_logs; fail "the lead list area of $out/desktop-leads.png is empty ($content colours)"; }
echo "desktop-smoke: OK: lead list rendered ($content colours in the list area) -> $out/desktop-leads.png"
