#!/bin/sh
# Installs the npm dependencies on a fresh clone, so `npm start` and `npm test` work as the first command.
set -e
cd "$(dirname "$0")/.."
if [ ! -d node_modules/.bin ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing npm dependencies (npm ci)..." >&2
  npm ci --no-audit --no-fund >&2
fi
