# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Helpers shared by the end-to-end scripts (sourced, not run). Each script sets CLI and, if it
# needs it, UPLOADER, then calls e2e_setup.

set -euo pipefail

# e2e_setup makes a private work directory removed on exit and a clean environment, so no
# default store or uploader home of the person running the tests is ever touched.
e2e_setup() {
    local tool
    for tool in sqlite3 cmp stat awk mktemp; do
        command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
    done
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/postern-e2e.XXXXXX")
    trap 'rm -rf "$WORK"' EXIT
    export HOME="$WORK/home"
    mkdir -p "$HOME"
    unset POSTERN_STORE POSTERN_UPLOADER_HOME
    OUT="$WORK/last.out"
    ERR="$WORK/last.err"
    STEP=0
}

step() {
    STEP=$((STEP + 1))
    echo "[$STEP] $*"
}

die() {
    echo "FAIL (step $STEP): $*" >&2
    if [[ -s "$OUT" ]]; then
        echo "---- stdout of the last command ----" >&2
        cat "$OUT" >&2
    fi
    if [[ -s "$ERR" ]]; then
        echo "---- stderr of the last command ----" >&2
        cat "$ERR" >&2
    fi
    exit 1
}

# expect CODE COMMAND...: run COMMAND (stdin from /dev/null, so nothing can prompt), keep its
# output in $OUT / $ERR, and fail unless it exits with CODE.
expect() {
    local want=$1
    shift
    local got=0
    "$@" </dev/null >"$OUT" 2>"$ERR" || got=$?
    if [[ $got -ne $want ]]; then
        die "expected exit $want, got $got from: $*"
    fi
}

# out_has / err_has TEXT: the last command's stdout / stderr contains TEXT (fixed string).
out_has() { grep -qF -- "$1" "$OUT" || die "stdout does not contain: $1"; }
err_has() { grep -qF -- "$1" "$ERR" || die "stderr does not contain: $1"; }

# passphrase_file NAME TEXT: a 0600 file holding one passphrase line.
passphrase_file() {
    local f="$WORK/$1.pass"
    (umask 077 && printf '%s\n' "$2" >"$f")
    echo "$f"
}

# field_of LABEL: the value after "  LABEL" on the first such line of the last stdout.
field_of() {
    awk -v label="$1" '$1 == label && substr($0, 1, 2) == "  " { print $2; exit }' "$OUT"
}
