#!/usr/bin/env bash
# Installs what LinK's demo, tests and package build need and are missing: Debian packages, the Node
# runtime of .node-version, promtool and npm dependencies built for that runtime.
# Afterwards `. scripts/node-env.sh` puts that runtime first on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
# The runtime's npm trusts the system's CA store (Debian's ca-certificates), as Debian's own node
# does: behind a TLS-inspecting proxy the system trusts, its bundled CA list alone failed npm ci
# ("self-signed certificate in certificate chain").
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r /etc/ssl/certs/ca-certificates.crt ]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi

# Run time: etcd, libpcap, iproute2; tests: ping, arping, tcpdump, chromium, openssl, keepalived,
# faketime (a clock step for one agent), strace (a slow disk for etcd: delayed syncs);
# package build and checks: dpkg-dev, fakeroot, lintian, systemd (systemd-analyze verify), man-db, zsh.
packages=(etcd-server etcd-client libpcap-dev iproute2 iputils-ping iputils-arping tcpdump chromium openssl zsh
  keepalived faketime strace dpkg-dev fakeroot lintian systemd man-db)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -qE 'ok (installed|triggers-)' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  say "installing Debian packages: ${missing[*]}"
  apt-get update -qq -o DPkg::Lock::Timeout=300
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "${missing[@]}" >/dev/null
fi

bash scripts/node-runtime.sh >/dev/null
# shellcheck source=node-env.sh
. scripts/node-env.sh

# promtool (alert rule checks) from Debian's prometheus package, unpacked without installing it:
# installing it would start a Prometheus server.
if ! command -v promtool >/dev/null && [ ! -x .runtime/prometheus/usr/bin/promtool ]; then
  say "unpacking promtool from Debian's prometheus package into .runtime/prometheus"
  tmp=$(mktemp -d)
  chmod 755 "$tmp"
  (cd "$tmp" && apt-get download -qq prometheus 2>/dev/null || { apt-get update -qq && apt-get download -qq prometheus; })
  rm -rf .runtime/prometheus
  mkdir -p .runtime
  dpkg-deb -x "$tmp"/prometheus_*.deb .runtime/prometheus
  rm -rf "$tmp"
fi

# node_modules match package-lock.json and the runtime's ABI (native modules such as cap are
# compiled for one Node version): a changed lock file or runtime re-installs them.
stamp=node_modules/.link-deps
want="$(sha256sum package-lock.json | cut -d' ' -f1) node $(node -p 'process.version + " abi " + process.versions.modules')"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -d node_modules/cap/build ]; then
  say "installing npm dependencies for Node $(node --version) (npm ci)"
  # node-gyp compiles cap against the runtime's own headers (no download).
  nodedir=${LINK_NODE_HOME:-$(dirname "$(dirname "$(command -v node)")")}
  if [ -f "$nodedir/include/node/node.h" ]; then export npm_config_nodedir="$nodedir"; fi
  # The registry (or a proxy before it) fails a request now and then: a TLS error once failed a
  # whole run. Three tries, 10 s apart; npm ci starts from a clean node_modules each time.
  for try in 1 2 3; do
    if npm ci --no-audit --no-fund --loglevel=error; then break; fi
    if [ "$try" = 3 ]; then echo "npm ci failed 3 times" >&2; exit 1; fi
    say "npm ci failed (try $try of 3); trying again in 10 s"
    sleep 10
  done
  echo "$want" >"$stamp"
fi
