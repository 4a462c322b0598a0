#!/usr/bin/env bash
# Runs a command on LinK's Node runtime (.node-version), e.g. `bash scripts/with-node.sh tsx bench/run.ts`.
# With --ensure-deps first installs what is missing (scripts/ensure-deps.sh).
set -euo pipefail
here=$(dirname "$0")
if [ "${1:-}" = --ensure-deps ]; then
  shift
  bash "$here/ensure-deps.sh"
fi
# shellcheck source=node-env.sh
. "$here/node-env.sh"
if [ "$(node --version 2>/dev/null | cut -d. -f1)" != "v${LINK_NODE_VERSION%%.*}" ]; then
  echo "Node ${LINK_NODE_VERSION%%.*} is not installed here (found $(node --version 2>/dev/null || echo none)): run bash scripts/ensure-deps.sh" >&2
  exit 1
fi
exec "$@"
