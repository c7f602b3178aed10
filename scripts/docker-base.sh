#!/usr/bin/env bash
# Prints the base image to build the Dockerfile from: node:24-slim when Docker can pull it, otherwise a
# stand-in built here, for machines that reach Debian's mirror and the npm registry but not Docker Hub
# (the CI machines): Debian bookworm from debootstrap (minbase, trimmed as Debian's -slim images are),
# Node 24's binary from the npm package node-linux-<arch>, npm from the npm registry, and a `node` user
# with uid 1000, as in the official image. The stand-in is built once per machine and reused (its tag
# is the cache); QG_REBUILD_BASE=1 rebuilds it. Progress goes to stderr, the image name to stdout.
#
#   DOCKER         the docker client (default docker)
#   QG_DEBIAN_MIRROR  the Debian mirror (default http://deb.debian.org/debian)
set -euo pipefail

readonly OFFICIAL=node:24-slim
readonly STAND_IN=quality-gates-ci/node:24-slim
readonly NODE_MAJOR=24
readonly NPM_MAJOR=11
readonly MIRROR=${QG_DEBIAN_MIRROR:-http://deb.debian.org/debian}
DOCKER=${DOCKER:-docker}

log() { echo "docker-base: $*" >&2; }

if "$DOCKER" image inspect "$OFFICIAL" >/dev/null 2>&1 || "$DOCKER" pull -q "$OFFICIAL" >/dev/null 2>&1; then
  echo "$OFFICIAL"
  exit 0
fi
if [ "${QG_REBUILD_BASE:-0}" != 1 ] && "$DOCKER" image inspect "$STAND_IN" >/dev/null 2>&1; then
  log "$OFFICIAL cannot be pulled; reusing the stand-in $STAND_IN ($("$DOCKER" image inspect -f '{{index .Config.Labels "org.quality-gates.node"}}' "$STAND_IN"))"
  echo "$STAND_IN"
  exit 0
fi

case "$(uname -m)" in
  x86_64) arch=x64 deb_arch=amd64 ;;
  aarch64) arch=arm64 deb_arch=arm64 ;;
  *) log "no node-linux package for $(uname -m)"; exit 1 ;;
esac
command -v debootstrap >/dev/null || { log "installing debootstrap"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }

log "$OFFICIAL cannot be pulled; building the stand-in $STAND_IN (debootstrap bookworm + node-linux-$arch@$NODE_MAJOR)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
debootstrap --variant=minbase --arch="$deb_arch" bookworm "$root" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }

# As debian:bookworm-slim: the same apt sources, no documentation, man pages or locales from later installs.
rm -f "$root/etc/apt/sources.list"
cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
EOF
printf 'APT::Install-Recommends "false";\n' >"$root/etc/apt/apt.conf.d/docker-no-recommends"
cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
find "$root/usr/share/doc" -mindepth 2 ! -name copyright -delete 2>/dev/null || true
rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* \
  "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old "$root"/var/log/*

# Node and npm where the official image has them.
(cd "$work" && npm pack --silent "node-linux-$arch@$NODE_MAJOR" "npm@$NPM_MAJOR" >/dev/null)
mkdir -p "$work/node" "$root/usr/local/lib/node_modules/npm"
tar -xzf "$work"/node-linux-*.tgz -C "$work/node"
install -m 755 "$work/node/package/bin/node" "$root/usr/local/bin/node"
tar -xzf "$work"/npm-*.tgz -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
node_version=$("$root/usr/local/bin/node" -v)

# The official image's unprivileged user.
echo 'node:x:1000:' >>"$root/etc/group"
echo 'node:x:1000:1000::/home/node:/bin/bash' >>"$root/etc/passwd"
echo 'node:*:20000:0:99999:7:::' >>"$root/etc/shadow"
install -d -o 1000 -g 1000 "$root/home/node"

tar -C "$root" -c . | "$DOCKER" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=${node_version#v}" \
  --change "LABEL org.quality-gates.node=$node_version org.quality-gates.stand-in=debootstrap-bookworm" \
  --change 'CMD ["node"]' \
  - "$STAND_IN" >/dev/null
log "built $STAND_IN (Node $node_version, $("$DOCKER" image inspect -f '{{.Size}}' "$STAND_IN" | awk '{printf "%.0f MB", $1/1e6}'))"
echo "$STAND_IN"
