#!/usr/bin/env bash
# `npm run demo`: installs what is missing, then runs the live failover demo (demo/run.ts).
# Flags pass through: npm run demo -- --no-story | --dry-run | --story=short --exit-after-story | --help
set -uo pipefail
cd "$(dirname "$0")/.."

if ! bash scripts/ensure-deps.sh; then
  # Without root, missing Debian packages cannot be installed; the dry run only needs etcd and npm's.
  if [ "$(id -u)" -ne 0 ] && command -v etcd >/dev/null && [ -d node_modules/tsx ]; then
    echo "continuing without them: the demo runs in dry-run mode without root" >&2
  else
    exit 1
  fi
fi

# shellcheck source=node-env.sh
. scripts/node-env.sh
printf '\033[1m==> %s\033[0m\n' "Node $(node --version)"
# exec: the demo is this very process, so Ctrl-C and SIGTERM reach it and it cleans up.
exec node --import tsx demo/run.ts "$@"
