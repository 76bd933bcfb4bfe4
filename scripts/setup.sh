#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks to build, run and test StudioDesk, then the
# frontend's npm packages from the lockfile. Idempotent: it checks before installing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_go="1.26"
if ! command -v go >/dev/null 2>&1; then
  if [ -x /usr/local/go/bin/go ]; then
    export PATH="/usr/local/go/bin:$PATH"
  else
    echo "setup: Go $need_go or newer is required (https://go.dev/dl/); Debian's golang package is too old." >&2
    exit 1
  fi
fi

# Debian packages: C toolchain + GTK/WebKit for the desktop window, Xvfb for headless desktop
# tests (xdotool clicks in the window), dbus-daemon for the notification test, Chromium for
# browser tests, ImageMagick for screenshots, Node.js for the frontend, PostgreSQL for the
# store tests (scripts/postgres.sh runs a throwaway cluster of it), libjpeg-turbo for the
# server's renderer (media.Turbo, cgo), and the issue-5 benchmarks' reference tools:
# vipsthumbnail (libvips-tools), nginx and wrk, and issue 6's rclone (the ingest benchmark's
# bytes-only reference, copying to versitygw); a CJK font so screenshots of the Chinese UI
# (browser e2e, desktop smoke) show text, not empty boxes.
pkgs=(build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.0-dev xvfb xauth xdotool dbus-daemon chromium imagemagick curl ca-certificates
  postgresql libjpeg62-turbo-dev libvips-tools nginx-light wrk rclone fonts-noto-cjk)
command -v node >/dev/null 2>&1 || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js 20 or newer is required (found $(node --version))." >&2
  exit 1
fi

# npm packages, exactly as locked; skipped when the lockfile has not changed since the last install.
stamp=frontend/node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ frontend/package-lock.json -nt "$stamp" ]; then
  (cd frontend && npm ci --no-audit --no-fund)
fi
go mod download
