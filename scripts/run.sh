#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Sets up the machine, builds the release preset and runs the Postern workstation.
#
#   ./scripts/run.sh [ARGS...]      the GUI once it is built (build/release/src/app/postern),
#                                   otherwise postern-cli ARGS (postern-cli --help without ARGS)
#   ./scripts/run.sh cli [ARGS...]  always postern-cli ARGS
#   ./scripts/run.sh bench [ARGS...] postern-bench ARGS: sealing and opening against libsodium
#                                   baselines; `bench store` for the 50,000-post store;
#                                   `bench medium --dir DIR` for a USB stick
#                                   (docs/performance.md)
#
# Setup and build output goes to stderr, so stdout carries only the program's own output.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=build/release
gui=$build/src/app/postern
cli=$build/src/cli/postern-cli
bench=$build/bench/postern-bench

{
    ./scripts/setup.sh
    cmake --preset release
    cmake --build --preset release -j2
} >&2

if [ "${1:-}" = bench ]; then
    shift
    exec "$bench" "$@"
fi

if [ "${1:-}" != cli ] && [ -x "$gui" ]; then
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
        echo "run.sh: no display found (DISPLAY/WAYLAND_DISPLAY unset); the GUI may fail to start." >&2
        echo "run.sh: use './scripts/run.sh cli ...' for the command line, or run under xvfb-run." >&2
    fi
    exec "$gui" "$@"
fi

[ "${1:-}" = cli ] && shift
if [ ! -x "$cli" ]; then
    echo "run.sh: $cli was not built (is src/cli/CMakeLists.txt filled in yet?)" >&2
    exit 1
fi
if [ "$#" -eq 0 ]; then
    set -- --help
fi
exec "$cli" "$@"
