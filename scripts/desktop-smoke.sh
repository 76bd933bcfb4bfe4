#!/usr/bin/env bash
# Proves the desktop window really renders the studio login screen — not merely that the
# binary starts. It runs a built desktop binary on a virtual X display with a fresh config
# folder, waits until the UI reports the login screen (the UI calls the bound method
# UIReady("login") when that screen mounts; the App writes it to <config>/ui-state.json),
# screenshots the display into test-results/desktop-login.png and checks the picture is not
# blank. It builds nothing.
#
#   scripts/desktop-smoke.sh bin/studiodesk
#
# Env: STUDIODESK_SERVER  address passed as --server (default http://127.0.0.1:8640; the login
#                         screen renders whether or not a server answers there)
#      SMOKE_TIMEOUT      seconds to wait for the login screen (default 60)
#      SMOKE_OUT          folder for the screenshot (default test-results)
# Needs: Xvfb (xvfb), import + identify (imagemagick), the desktop binary's webkit2gtk-4.0.
set -euo pipefail

bin=${1:?usage: scripts/desktop-smoke.sh path/to/studiodesk (built with -tags desktop,production)}
server=${STUDIODESK_SERVER:-http://127.0.0.1:8640}
timeout=${SMOKE_TIMEOUT:-60}
out=${SMOKE_OUT:-test-results}

fail() { echo "desktop-smoke: FAIL: $*" >&2; exit 1; }
[ -x "$bin" ] || fail "$bin is not an executable"
for tool in Xvfb import identify; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install xvfb imagemagick)"
done

mkdir -p "$out"
work=$(mktemp -d)
cfg="$work/config"
xvfb_pid=""
app_pid=""

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
  if [ -n "$xvfb_pid" ]; then stop "$xvfb_pid"; fi
  rm -rf "$work"
}
trap cleanup EXIT
show_logs() {
  echo "--- app log" >&2; tail -n 40 "$work/app.log" >&2 || true
  echo "--- ui-state.json" >&2; cat "$cfg/ui-state.json" >&2 2>/dev/null || echo "(none)" >&2
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

deadline=$((SECONDS + timeout))
until grep -Eq '"screen": *"login"' "$cfg/ui-state.json" 2>/dev/null; do
  if ! kill -0 "$app_pid" 2>/dev/null; then
    wait "$app_pid" && rc=0 || rc=$?
    app_pid=""
    show_logs
    fail "the app exited (status $rc) before showing the login screen"
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    DISPLAY=$display import -window root "$out/desktop-login-timeout.png" 2>/dev/null || true
    show_logs
    fail "no login screen within ${timeout} s (screen so far: $out/desktop-login-timeout.png)"
  fi
  sleep 0.2
done

# The screen has mounted; the first frame may still be painting, so allow a few tries until the
# picture shows more than a blank background.
shot="$out/desktop-login.png"
colors=0
for _ in $(seq 1 25); do
  DISPLAY=$display import -window root "$shot"
  colors=$(identify -format '%k' "$shot")
  [ "$colors" -ge 32 ] && break
  sleep 0.2
done
[ "$colors" -ge 32 ] || { show_logs; fail "the screenshot $shot is blank ($colors colours)"; }
kill -0 "$app_pid" 2>/dev/null || fail "the app exited right after rendering"
echo "desktop-smoke: OK: login screen rendered ($colors colours) -> $shot"
