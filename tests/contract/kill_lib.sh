# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Helpers shared by the real-SIGKILL crash tests (sourced after tests/e2e/lib.sh and e2e_setup):
# tests/contract/kill_test.sh (Mastodon, TikTok and X contract servers, outbox) and
# tests/pds/kill_pds.sh (the reference Bluesky PDS). The caller sets CLI, UPLOADER and SEED.

# kill_ceremony OUTBOX CHANNEL...: an uploader home (publishing to OUTBOX), a workstation store,
# mutual trust, alice (author) and bob (approver, operator), and a policy under which bob's one
# approval is enough for every CHANNEL. Sets STORE, UHOME, MEDIA, P_UP, P_ALICE, P_BOB.
kill_ceremony() {
    local outbox=$1 ch sep='' channels='' fp_up fp_ws u name pass roles
    shift
    STORE="$WORK/store"
    UHOME="$WORK/uploader"
    MEDIA="$WORK/media"
    mkdir -p "$MEDIA" "$outbox"
    P_UP=$(passphrase_file uploader 'uploader passphrase 1')
    local p_root
    p_root=$(passphrase_file root 'root passphrase 12')
    P_ALICE=$(passphrase_file alice 'alice passphrase 1')
    P_BOB=$(passphrase_file bob 'bob passphrase 123')
    step "key ceremony, team and policy ($*; 1 approval)"
    expect 0 up init --name up1 --kdf interactive --outbox "$outbox"
    fp_up=$(field_of fingerprint)
    expect 0 "$CLI" --store "$STORE" --new-passphrase-file "$p_root" --kdf interactive init --name ws1 --admin root
    fp_ws=$(field_of workstation)
    expect 0 cli "$p_root" uploader trust "$UHOME/uploader-identity.postern" --as root --fingerprint "$fp_up"
    expect 0 cli "$p_root" identity export "$MEDIA/ws1.identity" --as root
    expect 0 up trust "$MEDIA/ws1.identity" --fingerprint "$fp_ws"
    for u in "alice:$P_ALICE:author" "bob:$P_BOB:approver,operator"; do
        IFS=: read -r name pass roles <<<"$u"
        expect 0 "$CLI" --store "$STORE" --passphrase-file "$p_root" --new-passphrase-file "$pass" --kdf interactive \
            user add "$name" --roles "$roles" --as root
    done
    for ch in "$@"; do
        channels+="$sep{\"channel\": \"$ch\", \"required\": 1, \"approvers\": [\"bob\"], \"max_lifetime\": \"24h\"}"
        sep=$',\n  '
    done
    printf '{"channels": [\n  %s\n]}\n' "$channels" >"$WORK/policy.json"
    expect 0 cli "$p_root" policy set "$WORK/policy.json" --as root
}

# cli PASSFILE ARGS...: postern-cli on the test store; up ARGS...: postern-uploader on the home.
cli() {
    local pass=$1
    shift
    "$CLI" --store "$STORE" --passphrase-file "$pass" "$@"
}
up() { "$UPLOADER" --home "$UHOME" --log-level info --log-file "$WORK/uploader.log" --passphrase-file "$P_UP" "$@"; }

# approve_post ARGS...: alice drafts a post with `draft new ARGS...`, submits it, bob approves
# it; its id is appended to IDS and left in POST_ID.
IDS=()
approve_post() {
    expect 0 cli "$P_ALICE" draft new --as alice "$@"
    POST_ID=$(awk '/^created post /{print $3; exit}' "$OUT")
    [[ -n $POST_ID ]] || die "draft new printed no post id"
    expect 0 cli "$P_ALICE" submit "$POST_ID" --as alice
    expect 0 cli "$P_BOB" approve "$POST_ID" --as bob
    IDS+=("$POST_ID")
}

# kill_keep_log: with POSTERN_KEEP_LOG=FILE, the uploader's log is copied there on exit (the
# work directory is removed), to see where the kills landed.
kill_keep_log() {
    if [[ -n ${POSTERN_KEEP_LOG:-} && -f $WORK/uploader.log ]]; then cp "$WORK/uploader.log" "$POSTERN_KEEP_LOG"; fi
}

KILLS=0
ROUNDS_TOTAL=0
# KILL_ROUNDS: how many runs of a bundle are killed (if still running) before runs may finish.
# V is how long `verify` of the bundle takes: unlocking the key and checking the bundle, the part
# of a run before anything is published (and the part that grows on a slow or busy machine); T
# is how long a run that publishes a whole bundle took (time_full_run; 300 ms more than V if it
# was not measured). One kill in four lands at a random moment in a run's first V ms, the others
# between V and T, while the run publishes, more of them early in that span. A run that ends
# before its kill finishes the bundle. A caller may define before_round (called before every run, e.g. to reset
# a server's rate windows).
KILL_ROUNDS=${KILL_ROUNDS:-10}
KILL_RUN_MS=0

# time_full_run BUNDLE RECEIPT: publishes a bundle without killing it (it must finish) and
# keeps how long that took in KILL_RUN_MS, so the kills of the next bundles (of the same shape)
# fall inside a run whatever the speed of the machine.
time_full_run() {
    local started rc=0
    started=$(date +%s%N)
    up publish "$1" --receipt "$2" </dev/null >"$OUT" 2>"$ERR" || rc=$?
    KILL_RUN_MS=$((($(date +%s%N) - started) / 1000000))
    [[ $rc -eq 0 && -s $2 ]] || die "the bundle was not published without kills (exit $rc)"
    echo "  published without kills in $KILL_RUN_MS ms"
}

# publish_under_kills BUNDLE RECEIPT: publish, then resume, killing runs at random moments,
# until one run finishes on its own.
publish_under_kills() {
    local bundle=$1 receipt=$2 rounds=0 finished=0 rc pid started cmd ms u verify_ms publish_ms=300
    started=$(date +%s%N)
    expect 0 up verify "$bundle"
    verify_ms=$((($(date +%s%N) - started) / 1000000 + 1))
    if ((KILL_RUN_MS > 0)); then publish_ms=$((KILL_RUN_MS > verify_ms + 50 ? KILL_RUN_MS - verify_ms : 50)); fi
    echo "  verify took $verify_ms ms: kills land in the first $((verify_ms + publish_ms)) ms of a run"
    while ((rounds < 40)); do
        rounds=$((rounds + 1))
        if [[ -e $bundle ]]; then cmd=(publish "$bundle" --receipt "$receipt"); else cmd=(resume); fi
        if declare -F before_round >/dev/null; then before_round; fi
        started=$(date +%s%N)
        # exec: $! must be the uploader itself, not a subshell around it, or the kill misses.
        (exec "$UPLOADER" --home "$UHOME" --log-level info --log-file "$WORK/uploader.log" --passphrase-file "$P_UP" "${cmd[@]}" \
            </dev/null >"$OUT" 2>"$ERR") &
        pid=$!
        # Kill the first KILL_ROUNDS runs at a random moment, then let runs finish so that the
        # test ends.
        if ((rounds <= KILL_ROUNDS)); then
            # Publishing offsets are skewed early (u^2 of the span): a run after a kill has
            # less left to do, and a kill that comes after the run ended finishes the bundle.
            u=$(((RANDOM * 32768 + RANDOM) % 1000))
            if ((RANDOM % 4 == 0)); then ms=$((u * verify_ms / 1000)); else ms=$((verify_ms + u * u * publish_ms / 1000000)); fi
            sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
            if kill -9 "$pid" 2>/dev/null; then
                wait "$pid" 2>/dev/null || true
                KILLS=$((KILLS + 1))
                echo "  round $rounds: ${cmd[0]} killed after $((($(date +%s%N) - started) / 1000000)) ms"
                continue
            fi
        fi
        rc=0
        wait "$pid" || rc=$?
        echo "  round $rounds: ${cmd[0]} exited $rc after $((($(date +%s%N) - started) / 1000000)) ms"
        # Finished: the receipt is written once every target of this bundle has its answer
        # (exit 2 may be an older, deferred bundle that is still waiting).
        if [[ ($rc -eq 0 || $rc -eq 2) && -s $receipt ]]; then
            finished=1
            break
        fi
        if [[ $rc -eq 4 && ${cmd[0]} == publish ]]; then
            # The killed run had claimed the bundle: this copy is spent (the uploader says so
            # and that it can be deleted); resume finishes what the ledger holds.
            grep -q "this copy of the bundle can be deleted" "$ERR" || die "replay without the expected hint"
            rm -f "$bundle"
            continue
        fi
        grep -h 'not published yet\|could not be published' "$ERR" | head -n 3 | cut -c1-200 | sed 's/^/      /'
        # Pending without a kill: a platform asked us to come back later. X waits for its
        # listing to settle (2 minutes) before it re-sends a post that a kill stopped between
        # `sent` and the request, and names the time. Rather than wait, go on with the next
        # bundle (its runs resume this one too); finish_deferred waits at the end.
        local due
        due=$(grep -o 'resume` after [0-9TZ:-]*' "$ERR" | head -n 1 | awk '{print $3}' || true)
        if [[ -n $due ]]; then
            due=$(date -d "$due" +%s)
            ((due > DUE_MAX)) && DUE_MAX=$due
            DEFERRED+=("$receipt")
            echo "      deferred: resumed after $(date -u -d "@$due" +%H:%M:%SZ), by later runs or at the end"
            finished=1
            break
        fi
        sleep 5
    done
    ROUNDS_TOTAL=$((ROUNDS_TOTAL + rounds))
    ((finished)) || die "$bundle was not finished after $rounds rounds"
}

# finish_deferred: waits until the last time a platform named and resumes (not killed) until
# every deferred bundle has its receipt.
DEFERRED=()
DUE_MAX=0
finish_deferred() {
    local r tries=0 rc wait_s due missing
    while ((tries < 10)); do
        missing=0
        for r in "${DEFERRED[@]}"; do [[ -s $r ]] || missing=$((missing + 1)); done
        ((missing)) || return 0
        tries=$((tries + 1))
        wait_s=$((DUE_MAX - $(date +%s) + 1))
        ((wait_s > 0)) || wait_s=0
        step "$missing deferred bundle(s): wait $wait_s s for the time the uploader named, then resume"
        sleep "$wait_s"
        if declare -F before_round >/dev/null; then before_round; fi
        rc=0
        up resume </dev/null >"$OUT" 2>"$ERR" || rc=$?
        echo "  resume exited $rc"
        due=$(grep -o 'resume` after [0-9TZ:-]*' "$ERR" | head -n 1 | awk '{print $3}' || true)
        if [[ -n $due ]]; then DUE_MAX=$(date -d "$due" +%s); else DUE_MAX=$(($(date +%s) + 5)); fi
    done
    die "the deferred bundles were not finished after $tries resumes"
}

# kill_summary: how many runs were killed, and how many targets a later run found already
# published (a kill landed between the request that published and the ledger's `done`).
# Killed runs lose their unflushed log lines, so this counts what the surviving runs logged.
kill_summary() {
    local found
    found=$(grep -c 'found published' "$WORK/uploader.log" || true)
    echo "$KILLS kills in $ROUNDS_TOTAL runs; $found target(s) found already published by a later run;" \
        "${#DEFERRED[@]} bundle(s) deferred to the time a platform named"
}

# import_receipts RECEIPT...: every receipt imports on the workstation, and then every post in
# IDS is published.
import_receipts() {
    local r id
    step "the receipts import on the workstation: every post published"
    for r in "$@"; do
        [[ -s $r ]] || die "no receipt was written at $r"
        expect 0 cli "$P_BOB" receipt import "$r" --as bob
    done
    for id in "${IDS[@]}"; do
        expect 0 "$CLI" --store "$STORE" show "$id" --json
        out_has '"state":"published"'
    done
}
