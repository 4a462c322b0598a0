#!/usr/bin/env bash
# Makes sure a Node runtime of the major version in .node-version is available: the machine's own
# `node` if it is that major, else the npm registry's `node-linux-<arch>` package (the official
# binary with its headers) unpacked into .runtime/. Prints the runtime's `node --version`.
# Run by ensure-deps.sh, which also makes npm trust the system's CA store.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(tr -d ' \n\r' <.node-version)
major=${version%%.*}
home=".runtime/node-v$version-linux"

if [ ! -x "$home/bin/node" ]; then
  current=$(node --version 2>/dev/null || true)
  if [ "${current%%.*}" = "v$major" ]; then
    echo "$current"
    exit 0
  fi
  case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  armv7l) arch=armv7l ;;
  ppc64le) arch=ppc64le ;;
  s390x) arch=s390x ;;
  *) echo "no Node $major package for $(uname -m)" >&2 && exit 1 ;;
  esac
  if ! command -v npm >/dev/null; then
    # npm fetches the runtime; Debian's own npm is enough for that.
    if [ "$(id -u)" -ne 0 ]; then
      echo "npm is missing: run as root or: sudo apt-get install -y npm" >&2
      exit 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends npm >/dev/null
  fi
  printf '\033[1m==> %s\033[0m\n' "installing Node $version (node-linux-$arch) into $home (was: ${current:-no node})"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  # Three tries, 10 s apart: the registry (or a proxy before it) fails a request now and then.
  for try in 1 2 3; do
    if (cd "$tmp" && npm pack --silent --no-fund "node-linux-$arch@$version" >/dev/null); then break; fi
    if [ "$try" = 3 ]; then echo "could not fetch node-linux-$arch@$version from the npm registry" >&2; exit 1; fi
    sleep 10
  done
  mkdir -p "$tmp/unpacked"
  tar -xzf "$tmp"/node-linux-"$arch"-"$version".tgz -C "$tmp/unpacked" --strip-components=1
  "$tmp/unpacked/bin/node" --version >/dev/null
  mkdir -p .runtime
  rm -rf "$home"
  mv "$tmp/unpacked" "$home"
fi
"$home/bin/node" --version
