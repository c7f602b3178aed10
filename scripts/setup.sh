#!/usr/bin/env bash
# Sets up a Debian/Ubuntu machine that has Node.js and npm for quality-gates: the system packages the
# gates and the test suite use, and Node 24 where the machine's Node is older than the 22 that
# package.json asks for. The README's first command runs it, .ci/run too. Idempotent: it installs only
# what is missing and says what. Run as root, or as a user with sudo (only the installs escalate).
#
#   QG_NODE_PREFIX  where Node 24 goes when it is needed (default /usr/local: /usr/local/bin precedes
#                   /usr/bin on Debian's PATH, so the new node is the one `node`, `npm` and `npx` run)
set -euo pipefail
cd "$(dirname "$0")/.."

# package.json's engines; and the LTS installed where the machine's Node is older.
readonly NODE_MIN_MAJOR=22
readonly NODE_MAJOR=24
readonly NODE_PREFIX=${QG_NODE_PREFIX:-/usr/local}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# --- System packages: what the gates run (bubblewrap, the Python tools, git), what the tests start
# (redis-server, chromium), and what node-gyp needs when a native module has no prebuilt binary.
missing=()
want() { # want PACKAGE CHECK...: the package when the check fails
  local package=$1
  shift
  "$@" >/dev/null 2>&1 || missing+=("$package")
}
want bubblewrap command -v bwrap
want util-linux command -v prlimit
want git command -v git
want ca-certificates test -s /etc/ssl/certs/ca-certificates.crt
want flake8 command -v flake8
want python3-coverage command -v python3-coverage
want python3-pytest command -v pytest-3
want python3-pytest-cov /usr/bin/python3 -c 'import pytest_cov'
want python3-sphinx command -v sphinx-build
want python3-pip /usr/bin/python3 -m pip --version
want python3-venv /usr/bin/python3 -c 'import venv, ensurepip'
want redis-server command -v redis-server
want chromium sh -c 'command -v chromium || command -v chromium-browser'
want make command -v make
want g++ command -v g++

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: system packages present (bubblewrap, Python tools, git, redis-server, chromium, make, g++)"
fi

# --- Node: the machine's where it is new enough; otherwise Node 24 from the npm registry, whose
# node-linux-<arch> package holds the binary and the headers node-gyp builds native modules against.
node_major() { # node_major [NODE]: the major version, 0 when there is none
  "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

if [ "$(node_major)" -ge "$NODE_MIN_MAJOR" ]; then
  echo "setup: Node $(node -v) ($(command -v node)) is new enough"
elif [ "$(node_major "$NODE_PREFIX/bin/node")" -ge "$NODE_MAJOR" ]; then
  echo "setup: Node $("$NODE_PREFIX/bin/node" -v) already in $NODE_PREFIX"
else
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) echo "setup: no node-linux package for $(uname -m); install Node >= $NODE_MIN_MAJOR yourself" >&2; exit 1 ;;
  esac
  echo "setup: Node $(node -v 2>/dev/null || echo '(none)') is older than $NODE_MIN_MAJOR;" \
    "installing Node $NODE_MAJOR (npm package node-linux-$arch) into $NODE_PREFIX"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-$arch@$NODE_MAJOR" >/dev/null)
  tar -xzf "$tmp"/node-linux-*.tgz -C "$tmp"
  as_root mkdir -p "$NODE_PREFIX/bin" "$NODE_PREFIX/include"
  as_root install -m 755 "$tmp/package/bin/node" "$NODE_PREFIX/bin/node"
  as_root rm -rf "$NODE_PREFIX/include/node"
  as_root cp -R "$tmp/package/include/node" "$NODE_PREFIX/include/node"
fi

# The Node installed here: native modules (better-sqlite3 when npm builds it) are compiled against its
# headers, not those a user's or the system's npmrc names (this machine's older Node's, or a download
# from nodejs.org): a project .npmrc (not committed) outranks both.
if [ -x "$NODE_PREFIX/bin/node" ] && [ -f "$NODE_PREFIX/include/node/node_version.h" ] \
  && [ "$(node_major "$NODE_PREFIX/bin/node")" -ge "$NODE_MAJOR" ] && [ "$(node_major)" -lt "$NODE_MIN_MAJOR" -o "$(command -v node)" = "$NODE_PREFIX/bin/node" ]; then
  touch .npmrc
  { grep -v '^nodedir=' .npmrc || true; echo "nodedir=$NODE_PREFIX"; } >.npmrc.tmp && mv .npmrc.tmp .npmrc
  echo "setup: .npmrc: nodedir=$NODE_PREFIX (native modules build against Node $("$NODE_PREFIX/bin/node" -v)'s headers)"
fi
if [ "$(node_major)" -lt "$NODE_MIN_MAJOR" ]; then
  echo "setup: WARNING: \`node\` on this PATH is still $(command -v node) ($(node -v));" \
    "put $NODE_PREFIX/bin before it: export PATH=$NODE_PREFIX/bin:\$PATH" >&2
fi

# As root, the app runs repository code as an unprivileged user (QG_SANDBOX_UID, default 65534). When
# that user cannot reach this checkout (a clone under /root), the app mirrors its node_modules and
# assets into its cache with hard links the first time it runs (src/sandbox/app-mirror.ts): say so.
if [ "$(id -u)" -eq 0 ] && [ -z "${SUDO_USER:-}" ]; then
  sandbox_uid=${QG_SANDBOX_UID:-65534}
  if ! setpriv --reuid="$sandbox_uid" --regid="$sandbox_uid" --clear-groups test -r "$PWD/package.json" 2>/dev/null; then
    echo "setup: the sandbox's user (uid $sandbox_uid) cannot reach $PWD; quality-gates will mirror its" \
      "node_modules and assets into /var/cache/quality-gates/app-mirror (hard links) on first use"
  fi
fi
echo "setup: done"
