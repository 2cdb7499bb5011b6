# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Starts the local Bluesky PDS for the scripts in tests/pds (sourced after tests/e2e/lib.sh and
# e2e_setup): bluesky_e2e.sh and kill_pds.sh.
PDS_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# pds_start NODE-MODULES-DIR: installs the reference PDS from the npm registry (install.sh;
# cached in NODE-MODULES-DIR), starts it (start-pds.mjs) with one account, and waits until it
# answers. Sets NODE (the Node 22 the PDS runs on), PDS_PID, SERVICE, HANDLE, DID and
# APP_PASSWORD_FILE (0600). The EXIT trap stops the PDS and removes $WORK; a caller that sets
# its own trap calls pds_stop in it.
pds_start() {
    local dir=$1
    step "install the local PDS from the npm registry (cached in $dir)"
    NODE=$("$PDS_HERE/install.sh" "$dir" | tail -n 1) || die "tests/pds/install.sh failed"
    [[ -x $NODE ]] || die "no Node 22 at $NODE"

    step "start the PDS"
    # handle: "press" is reserved on the reference PDS.
    "$NODE" "$dir/start-pds.mjs" newsroom.test >"$WORK/pds.json" 2>"$WORK/pds.log" &
    PDS_PID=$!
    trap 'pds_stop; rm -rf "$WORK"' EXIT
    for _ in $(seq 1 120); do
        [[ -s $WORK/pds.json ]] && break
        kill -0 "$PDS_PID" 2>/dev/null || { cat "$WORK/pds.log" >&2; die "the PDS exited while starting"; }
        sleep 0.5
    done
    [[ -s $WORK/pds.json ]] || die "the PDS did not start within 60 s"
    SERVICE=$(pds service)
    HANDLE=$(pds handle)
    DID=$(pds did)
    APP_PASSWORD_FILE="$WORK/app-password"
    (umask 077 && pds password >"$APP_PASSWORD_FILE" && echo >>"$APP_PASSWORD_FILE")
    echo "PDS at $SERVICE, account $HANDLE ($DID)"
}

# pds_stop: stops the PDS that pds_start started (SIGTERM: it closes its databases and exits).
pds_stop() {
    if [[ -n ${PDS_PID:-} ]]; then
        kill "$PDS_PID" 2>/dev/null || true
        wait "$PDS_PID" 2>/dev/null || true
    fi
    return 0
}

# pds KEY: a member of the PDS's start-up line (service, handle, did, password, plc).
pds() { "$NODE" -e "process.stdout.write(String(JSON.parse(require('fs').readFileSync('$WORK/pds.json','utf8'))['$1']))"; }
