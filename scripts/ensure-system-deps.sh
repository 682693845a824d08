#!/bin/sh
# The tests run a real influxd and real Chromium (Debian's packages). Installs them when missing
# and this user may use apt; otherwise says exactly what to install.
set -e
missing=""
command -v influxd >/dev/null 2>&1 || missing="$missing influxdb"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages:$missing" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
  exit 0
fi
echo "The tests need Debian packages that are not installed:$missing" >&2
echo "Install them with: sudo apt-get install -y$missing" >&2
exit 1
