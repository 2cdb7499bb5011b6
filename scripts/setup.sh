#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs everything Postern needs to build, run and test on Debian 12, from Debian's own
# packages. Idempotent: when every package is already installed it changes nothing and does
# not touch the network. Called first by scripts/run.sh and scripts/test.sh.
set -euo pipefail

packages=(
    # Toolchain and build system
    build-essential cmake ninja-build pkg-config git
    # Qt 6 (Core for the core libraries; Widgets/Gui for the workstation GUI; Designer forms)
    qt6-base-dev qt6-tools-dev qt6-tools-dev-tools libgl1-mesa-dev
    # SVG icon and image plugins for the GUI's icons (resources/icons/*.svg)
    libqt6svg6
    # Core libraries
    libsodium-dev libspdlog-dev libsqlite3-dev sqlite3
    # CLI11, the argument parser of postern-cli and postern-uploader (header-only; src/clikit)
    libcli11-dev
    # Tests: Catch2 2.13, clang + compiler-rt for libFuzzer/sanitizers, Xvfb for GUI tests;
    # procps (pgrep) and bsdutils (script, a terminal for the passphrase prompt) for the
    # invariants test
    catch2 clang-14 libclang-rt-14-dev llvm-14 xvfb xauth procps bsdutils
    # Developer tools used by docs/development.md (format and lint)
    clang-format-14 clang-tidy-14
    # Packaging test (tests/invariants/packages.sh): dpkg-shlibdeps for CPack's Debian
    # packages, appstreamcli to validate the AppStream metadata
    dpkg-dev appstream
    # Node.js + npm for the local Bluesky PDS of the `pds` test (tests/pds): only npm and its
    # registry are needed from it; tests/pds/install.sh fetches the pinned modules, including
    # a Node 22 binary from the npm registry, and builds better-sqlite3 with python3/make/g++.
    nodejs python3
    # curl: the uploader's operator guide uses it to check a PDS by hand
    curl
    # age and minisign: what postern-bench compares sealing and opening with (docs/performance.md)
    age minisign
)
# npm: Debian packages it separately; NodeSource's `nodejs` ships it inside (and conflicts
# with Debian's `npm` package), so ask for the package only when there is no npm at all.
if ! command -v npm >/dev/null 2>&1; then
    packages+=(npm)
fi

is_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=()
for pkg in "${packages[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "setup: all ${#packages[@]} required Debian packages are already installed"
    exit 0
fi

if [ ! -r /etc/debian_version ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: this script supports Debian 12 only; please install: ${missing[*]}" >&2
    exit 1
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "setup: not root and sudo is not available; as root run: apt-get install ${missing[*]}" >&2
        exit 1
    fi
    as_root=(sudo)
fi

echo "setup: installing ${#missing[@]} missing package(s): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q "${missing[@]}"

for pkg in "${missing[@]}"; do
    if ! is_installed "$pkg"; then
        echo "setup: package $pkg is still not installed after apt-get install" >&2
        exit 1
    fi
done
echo "setup: done"
