#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Starts one platform contract server (tests/contract/<platform>.mjs) on a loopback port and
# runs the Catch2 contract tests for it with POSTERN_CONTRACT_URL set, then stops the server.
# Usage: run_contract.sh NODE SERVER.mjs TEST-BINARY TAGS
set -euo pipefail
NODE=${1:?usage: run_contract.sh NODE SERVER.mjs TEST-BINARY TAGS}
SERVER=${2:?usage}
TESTS=${3:?usage}
TAGS=${4:?usage}

work=$(mktemp -d)
"$NODE" "$SERVER" >"$work/url.json" 2>"$work/server.log" &
pid=$!
cleanup() {
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 1 100); do
    [[ -s $work/url.json ]] && break
    if ! kill -0 "$pid" 2>/dev/null; then
        cat "$work/server.log" >&2
        echo "run_contract.sh: the contract server $SERVER exited while starting" >&2
        exit 1
    fi
    sleep 0.1
done
[[ -s $work/url.json ]] || { echo "run_contract.sh: $SERVER did not start within 10 s" >&2; exit 1; }
url=$("$NODE" -e "process.stdout.write(JSON.parse(require('fs').readFileSync('$work/url.json','utf8')).url)")
echo "contract server $(basename "$SERVER") at $url"
status=0
POSTERN_CONTRACT_URL=$url "$TESTS" --warn NoTests "$TAGS" || status=$?
if [[ $status -ne 0 ]]; then
    echo "---- contract server log" >&2
    cat "$work/server.log" >&2
fi
exit $status
