#!/bin/sh
# The tests run a real influxd, real Chromium and a real redis-server (Debian's packages). Installs them when missing
# and this user may use apt; otherwise says exactly what to install.
set -e
missing=""
command -v influxd >/dev/null 2>&1 || missing="$missing influxdb"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages:$missing" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
  # The packages may start system services; the tests start their own servers on free ports.
  for service in influxdb redis-server; do service "$service" stop >/dev/null 2>&1 || true; done
  exit 0
fi
echo "The tests need Debian packages that are not installed:$missing" >&2
echo "Install them with: sudo apt-get install -y$missing" >&2
exit 1
