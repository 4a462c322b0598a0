#!/usr/bin/env bash
# `npm run package [-- --version V] [--out DIR]`: builds DIR/link_<version>_<arch>.deb (default
# build/) with dpkg-deb: the compiled agent, its production npm dependencies and the Node runtime
# under /usr/lib/link, /usr/bin/linkd and link-client, the systemd unit, /etc/link/linkd.env
# (conffile), man pages and shell completions; then runs lintian on it.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=node-env.sh
. scripts/node-env.sh

version=$(node -p 'require("./package.json").version')
# Debian's variables for who builds the package (dch, debuild), with the project's as default.
maintainer="${DEBFULLNAME:-LinK maintainers} <${DEBEMAIL:-link-maintainers@example.org}>"
out=build
lint=true
compression=gzip
while (($#)); do
  case $1 in
  --version) version=$2 && shift 2 ;;
  --out) out=$2 && shift 2 ;;
  --no-lintian) lint=false && shift ;;
  --compression) compression=$2 && shift 2 ;;
  *) echo "package: unknown argument $1 (--version V, --out DIR, --no-lintian, --compression gzip|xz|none)" >&2 && exit 2 ;;
  esac
done
arch=$(dpkg --print-architecture)
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
lib=$root/usr/lib/link
install -d "$lib" "$root/DEBIAN" "$root/usr/bin" "$root/etc/link" "$root/lib/systemd/system" \
  "$root/usr/share/man/man1" "$root/usr/share/man/man8" "$root/usr/share/doc/link" \
  "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
  "$root/usr/share/lintian/overrides"

say "compiling the agent"
npx tsc -p tsconfig.build.json --outDir "$lib/dist"
node scripts/copy-assets.mjs "$lib/dist"
sed "s/\"version\": \"[^\"]*\"/\"version\": \"$version\"/" package.json >"$lib/package.json"
cp package-lock.json "$lib/"

say "installing production dependencies for Node $(node --version)"
nodedir=${LINK_NODE_HOME:-$(dirname "$(dirname "$(command -v node)")")}
# cap as ensure-deps built it for this very runtime (its stamp names the Node version), else compiled here.
built_cap=node_modules/cap/build/Release/cap.node
if [ -f "$built_cap" ] && grep -q " node $(node --version) " node_modules/.link-deps 2>/dev/null; then
  (cd "$lib" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
  install -D -m 644 "$built_cap" "$lib/$built_cap"
else
  (cd "$lib" && npm_config_nodedir="$nodedir" npm ci --omit=dev --no-audit --no-fund --loglevel=error)
fi
rm "$lib/package-lock.json"
# What only the build, the editor or the TypeScript sources use.
rm -rf "$lib/node_modules/cap/build/Release/obj.target" "$lib/node_modules/cap/src" \
  "$lib/node_modules/cap/deps" "$lib/node_modules/nan" "$lib/node_modules/.bin" \
  "$lib/node_modules/tsx" "$lib/node_modules/esbuild" "$lib/node_modules/@esbuild" \
  "$lib/node_modules/get-tsconfig" "$lib/node_modules/resolve-pkg-maps"
find "$lib/node_modules" -type f \( -name '*.md' -o -name '*.markdown' -o -name '*.map' -o -name '*.ts' \
  -o -name '*.mts' -o -name '*.cts' -o -name '.npmignore' -o -name '.eslintrc*' -o -name '.travis.yml' \
  -o -name 'Makefile' -o -name '*.gyp' -o -name '*.gypi' -o -name 'binding.Makefile' -o -name '*.mk' \) -delete
find "$lib/node_modules" -depth -type d \( -name test -o -name tests -o -name example -o -name examples \
  -o -name docs -o -name '.*' \) -exec rm -rf {} +
find "$lib/node_modules" -type f \( -name '*.html' -o -name '.git*' -o -name '*.sh' \) -delete
find "$lib/node_modules" -depth -type d -empty -delete

say "adding the Node runtime"
install -d "$lib/node/bin"
install -m 755 "$(command -v node)" "$lib/node/bin/node"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$lib/node/bin/node" \
  "$lib/node_modules/cap/build/Release/cap.node"
if [ -f "$nodedir/LICENSE" ]; then install -m 644 "$nodedir/LICENSE" "$lib/node/LICENSE"; fi

install -m 755 deploy/debian/linkd deploy/debian/link-client "$root/usr/bin/"
install -m 644 deploy/linkd.env "$root/etc/link/linkd.env"
install -m 644 deploy/endpoints.yaml "$root/etc/link/endpoints.yaml"
install -m 644 deploy/linkd.service "$root/lib/systemd/system/linkd.service"
gzip -9n <docs/man/linkd.8 >"$root/usr/share/man/man8/linkd.8.gz"
gzip -9n <docs/man/link-client.1 >"$root/usr/share/man/man1/link-client.1.gz"
install -m 644 deploy/completion/link-client.bash "$root/usr/share/bash-completion/completions/link-client"
install -m 644 deploy/completion/_link-client "$root/usr/share/zsh/vendor-completions/_link-client"
install -m 644 deploy/debian/copyright "$root/usr/share/doc/link/copyright"
install -m 644 deploy/debian/lintian-overrides "$root/usr/share/lintian/overrides/link"
gzip -9n <README.md >"$root/usr/share/doc/link/README.md.gz"
{
  printf 'link (%s) stable; urgency=medium\n\n' "$version"
  printf '  * Release %s; see /usr/share/doc/link/README.md.gz.\n\n' "$version"
  printf ' -- %s  %s\n' "$maintainer" "$(date -R -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)")"
} | gzip -9n >"$root/usr/share/doc/link/changelog.gz"

# Ownership root:root (dpkg-deb --root-owner-group); no write bit for group or others.
find "$root" -type d -exec chmod 755 {} +
find "$root" -type f -exec chmod go-w {} +
find "$lib/node_modules" "$lib/dist" -type f -exec chmod 644 {} +

say "computing dependencies"
mkdir -p "$work/src/debian"
printf 'Source: link\n\nPackage: link\nArchitecture: any\n' >"$work/src/debian/control"
shlibs=$(cd "$work/src" && dpkg-shlibdeps -O -e"$lib/node/bin/node" -e"$lib/node_modules/cap/build/Release/cap.node" 2>/dev/null |
  sed -n 's/^shlibs:Depends=//p')

install -m 755 deploy/debian/postinst deploy/debian/prerm deploy/debian/postrm "$root/DEBIAN/"
printf '%s\n' /etc/link/linkd.env /etc/link/endpoints.yaml >"$root/DEBIAN/conffiles"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z |
  xargs -0 md5sum >DEBIAN/md5sums)
chmod 644 "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<CONTROL
Package: link
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: $shlibs, adduser, iproute2
Section: net
Priority: optional
Homepage: https://github.com/Scalingo/link
Description: virtual IPs shared by hosts through etcd (LinK is not Keepalived)
 One agent (linkd) per host; the agents coordinate only through etcd. For every
 virtual IP each agent runs a statechart (BOOTING, STANDBY, ACTIVATED, FAILING,
 STOPPING, STOPPED); the holder binds the IP and announces it with gratuitous
 ARP. HTTP API and link-client compatible with Scalingo's LinK v3.
 .
 The package carries its own Node.js runtime under /usr/lib/link.
CONTROL

mkdir -p "$out"
deb=$out/link_${version}_${arch}.deb
say "building $deb"
dpkg-deb --root-owner-group -Z"$compression" --build "$root" "$deb" >/dev/null
if $lint; then
  say "lintian $deb"
  lintian --fail-on error,warning --suppress-tags-from-file /dev/null "$deb"
fi
echo "$deb"
