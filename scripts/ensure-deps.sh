#!/bin/sh
# Installs the npm dependencies on a fresh clone, so `npm start` and `npm test` work as the first command.
# `npm ci` first (exactly the lock file); if npm refuses the lock file (it lacks entries for other
# platforms' optional packages, which some registries do not serve), `npm install`, which keeps the
# locked versions and fills in the rest.
set -e
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing npm dependencies (npm ci)..." >&2
  if ! npm ci --no-audit --no-fund >&2; then
    echo "npm ci refused the lock file; installing with npm install instead..." >&2
    npm install --no-audit --no-fund >&2
  fi
fi
