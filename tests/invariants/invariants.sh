#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Invariants from shared/design/product.md, checked on the real executables:
#   1. the workstation binary loads no network library; the uploader no GUI library;
#   2. core dumps are disabled before any secret is read (checked on a live process that is
#      blocked at its terminal passphrase prompt);
#   3. key files and the home/store directories are private (0600 / 0700).
set -euo pipefail
cli=$1
uploader=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "invariant broken: $*" >&2; exit 1; }

# 1. What the binaries really load.
if ldd "$cli" | grep -iE 'Qt6Network|libcurl'; then fail "postern-cli links a network library"; fi
if ldd "$uploader" | grep -iE 'Qt6Widgets|Qt6Gui'; then fail "postern-uploader links a GUI library"; fi
echo "ok: postern-cli loads no network library, postern-uploader no GUI library"

# 2. Core dumps off while the process waits for its passphrase.
check_no_core() { # name command...
    local name=$1
    shift
    # The program asks for its passphrase on a terminal: `script` gives it one, and it blocks
    # there reading. (A FIFO as --passphrase-file no longer blocks: it is refused at once.)
    local input="$work/$name.stdin" cmd
    mkfifo "$input"
    cmd="exec$(printf ' %q' "$@")"
    script -qfec "$cmd" /dev/null <"$input" >"$work/$name.out" 2>&1 &
    local spid=$!
    exec 9>"$input" # the writer end stays open, so `script` sees no end of input yet
    local pid=""
    for _ in $(seq 100); do
        pid=$(pgrep -P "$spid" | head -n 1 || true)
        # Blocked at the prompt: the program has printed it.
        if [ -n "$pid" ] && grep -qi "passphrase" "$work/$name.out" 2>/dev/null; then break; fi
        sleep 0.1
    done
    [ -n "$pid" ] || fail "$name did not start under a terminal"
    local limits
    limits=$(grep 'Max core file size' "/proc/$pid/limits")
    # One line per prompt, each once the program reads: it turns echo off with TCSAFLUSH,
    # which drops anything typed before the prompt.
    sleep 0.3
    printf 'long enough passphrase\n' >&9
    for _ in $(seq 100); do
        grep -q "Repeat the passphrase" "$work/$name.out" 2>/dev/null && break
        sleep 0.1
    done
    sleep 0.3
    printf 'long enough passphrase\n' >&9
    exec 9>&-
    wait "$spid" || true
    echo "$limits" | grep -qE 'Max core file size +0 +0 ' || fail "$name runs with core dumps enabled: $limits"
    echo "ok: $name has core dumps disabled while reading a passphrase"
}
check_no_core uploader "$uploader" --home "$work/up" init --name up --kdf interactive
check_no_core cli "$cli" --store "$work/ws" --kdf interactive init --name ws --admin ada

# 3. Private files.
mode() { stat -c %a "$1"; }
[ "$(mode "$work/up")" = 700 ] || fail "uploader home is $(mode "$work/up"), not 700"
for key in "$work"/up/keys/*.key; do
    [ "$(mode "$key")" = 600 ] || fail "$key is $(mode "$key"), not 600"
done
[ "$(mode "$work/ws")" = 700 ] || fail "workstation store is $(mode "$work/ws"), not 700"
[ "$(mode "$work/ws/postern.db")" = 600 ] || fail "postern.db is $(mode "$work/ws/postern.db"), not 600"
echo "ok: key files are 0600 and home/store directories 0700"
