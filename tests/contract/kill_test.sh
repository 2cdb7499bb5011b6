#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Crash test with real SIGKILLs: the real postern-uploader publishes a bundle of several posts
# to the Mastodon and X contract servers (and an outbox channel), and is killed with SIGKILL at
# random moments, again and again, through `publish` and `resume`, until a run finishes on its
# own. Then every post must exist exactly once on every platform, and the receipt must say so.
# The seed is printed; POSTERN_TEST_SEED=N replays a run.
# Usage: kill_test.sh POSTERN-CLI POSTERN-UPLOADER NODE
# shellcheck source=tests/e2e/lib.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../e2e/lib.sh"

CLI=${1:?usage: kill_test.sh POSTERN-CLI POSTERN-UPLOADER NODE}
UPLOADER=${2:?usage}
NODE=${3:?usage}
e2e_setup
SEED=${POSTERN_TEST_SEED:-$(( $(date +%s) % 100000 ))}
RANDOM=$SEED
echo "seed $SEED (replay with POSTERN_TEST_SEED=$SEED)"

PIDS=()
start_server() { # NAME: starts tests/contract/NAME.mjs, sets URL_NAME
    "$NODE" "$here/$1.mjs" >"$WORK/$1.url" 2>"$WORK/$1.log" &
    PIDS+=($!)
    for _ in $(seq 1 100); do
        [[ -s $WORK/$1.url ]] && break
        sleep 0.1
    done
    [[ -s $WORK/$1.url ]] || die "the $1 contract server did not start"
    printf -v "URL_$1" '%s' "$("$NODE" -e "process.stdout.write(JSON.parse(require('fs').readFileSync('$WORK/$1.url','utf8')).url)")"
}
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT

step "start the Mastodon and X contract servers"
start_server mastodon
start_server x
# shellcheck disable=SC2154
echo "mastodon at $URL_mastodon, x at $URL_x"

STORE="$WORK/store"
UHOME="$WORK/uploader"
MEDIA="$WORK/media"
OUTBOX="$WORK/outbox"
mkdir -p "$MEDIA" "$OUTBOX"
P_UP=$(passphrase_file uploader 'uploader passphrase 1')
P_ROOT=$(passphrase_file root 'root passphrase 12')
P_ALICE=$(passphrase_file alice 'alice passphrase 1')
P_BOB=$(passphrase_file bob 'bob passphrase 123')
cli() {
    local pass=$1
    shift
    "$CLI" --store "$STORE" --passphrase-file "$pass" "$@"
}
up() { "$UPLOADER" --home "$UHOME" --log-file "$WORK/uploader.log" --passphrase-file "$P_UP" "$@"; }

step "key ceremony, team and policy (x:pressoffice, mastodon:press, outbox:press; 1 approval)"
expect 0 up init --name up1 --kdf interactive --outbox "$OUTBOX"
UP_FP=$(field_of fingerprint)
expect 0 "$CLI" --store "$STORE" --new-passphrase-file "$P_ROOT" --kdf interactive init --name ws1 --admin root
WS_FP=$(field_of workstation)
expect 0 cli "$P_ROOT" uploader trust "$UHOME/uploader-identity.postern" --as root --fingerprint "$UP_FP"
expect 0 cli "$P_ROOT" identity export "$MEDIA/ws1.identity" --as root
expect 0 up trust "$MEDIA/ws1.identity" --fingerprint "$WS_FP"
for u in "alice:$P_ALICE:author" "bob:$P_BOB:approver,operator"; do
    IFS=: read -r name pass roles <<<"$u"
    expect 0 "$CLI" --store "$STORE" --passphrase-file "$P_ROOT" --new-passphrase-file "$pass" --kdf interactive \
        user add "$name" --roles "$roles" --as root
done
cat >"$WORK/policy.json" <<'JSON'
{"channels": [
  {"channel": "x:pressoffice", "required": 1, "approvers": ["bob"], "max_lifetime": "24h"},
  {"channel": "mastodon:press", "required": 1, "approvers": ["bob"], "max_lifetime": "24h"},
  {"channel": "outbox:press", "required": 1, "approvers": ["bob"], "max_lifetime": "24h"}
]}
JSON
expect 0 cli "$P_ROOT" policy set "$WORK/policy.json" --as root

step "accounts on the uploader"
(umask 077 && echo press-token >"$WORK/mastodon.token")
expect 0 up account add mastodon:press --handle press --service "$URL_mastodon" --token-file "$WORK/mastodon.token"
(umask 077 && printf '%s' '{"access_token":"x-access-0","refresh_token":"x-refresh-0","client_id":"postern-test-client","expires_in":7200}' >"$WORK/x.json")
expect 0 up account add x:pressoffice --handle pressoffice --service "$URL_x" --credentials-file "$WORK/x.json"

BUNDLES=4
PER_BUNDLE=4
POSTS=$((BUNDLES * PER_BUNDLE))
kills=0
rounds_total=0

# publish_under_kills BUNDLE RECEIPT: publish, then resume, killing runs at random moments,
# until one run finishes on its own.
publish_under_kills() {
    local bundle=$1 receipt=$2 rounds=0 finished=0 rc pid started cmd
    while ((rounds < 40)); do
        rounds=$((rounds + 1))
        if [[ -e $bundle ]]; then cmd=(publish "$bundle" --receipt "$receipt"); else cmd=(resume); fi
        started=$(date +%s%N)
        # exec: $! must be the uploader itself, not a subshell around it, or the kill misses.
        (exec "$UPLOADER" --home "$UHOME" --log-file "$WORK/uploader.log" --passphrase-file "$P_UP" "${cmd[@]}" \
            </dev/null >"$OUT" 2>"$ERR") &
        pid=$!
        # A whole run takes well under a second here (unlocking the key is a good part of it):
        # kill in the first 10 rounds at a random moment in the first 0.6 s, then let runs
        # finish so that the test ends.
        if ((rounds <= 10)); then
            sleep "$(printf '0.%03d' $((RANDOM % 600)))"
            if kill -9 "$pid" 2>/dev/null; then
                wait "$pid" 2>/dev/null || true
                kills=$((kills + 1))
                echo "  round $rounds: ${cmd[0]} killed after $((($(date +%s%N) - started) / 1000000)) ms"
                continue
            fi
        fi
        rc=0
        wait "$pid" || rc=$?
        echo "  round $rounds: ${cmd[0]} exited $rc after $((($(date +%s%N) - started) / 1000000)) ms"
        if [[ $rc -eq 0 ]]; then
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
        tail -n 4 "$OUT" "$ERR" | sed 's/^/      /'
        # Pending without a kill: a platform asked us to come back later (X waits for its
        # listing to settle before it re-sends a post whose answer was lost). Wait and resume.
        sleep 5
    done
    rounds_total=$((rounds_total + rounds))
    ((finished)) || die "$bundle was not finished after $rounds rounds"
}

IDS=()
for b in $(seq 1 $BUNDLES); do
    step "bundle $b: $PER_BUNDLE posts, each to all three channels, approved and exported"
    ids=()
    for i in $(seq 1 $PER_BUNDLE); do
        n=$(((b - 1) * PER_BUNDLE + i))
        expect 0 cli "$P_ALICE" draft new --as alice --channel x:pressoffice --channel mastodon:press \
            --channel outbox:press --option mastodon:press.visibility=public \
            --text "Kill test post $n of $POSTS, seed $SEED"
        id=$(awk '/^created post /{print $3; exit}' "$OUT")
        expect 0 cli "$P_ALICE" submit "$id" --as alice
        expect 0 cli "$P_BOB" approve "$id" --as bob
        ids+=("$id")
    done
    IDS+=("${ids[@]}")
    expect 0 cli "$P_BOB" export "${ids[@]}" --as bob --out "$MEDIA/kill-$b.postern"
    step "bundle $b: publish and resume under random SIGKILLs"
    publish_under_kills "$MEDIA/kill-$b.postern" "$MEDIA/kill-$b.receipt"
done
echo "$kills kills in $rounds_total runs"

step "every post exists exactly once on every platform"
"$NODE" - "$URL_mastodon" "$URL_x" "$POSTS" "$SEED" <<'JS' || die "a post is missing or duplicated (see above)"
const [mastodon, x, posts, seed] = process.argv.slice(2);
const get = async (u) => (await fetch(u + '/__control/state')).json();
(async () => {
    const m = await get(mastodon);
    const t = await get(x);
    let bad = 0;
    for (let i = 1; i <= Number(posts); i++) {
        const text = `Kill test post ${i} of ${posts}, seed ${seed}`;
        const nm = m.statuses.filter((s) => s.text === text && !s.deleted).length;
        const nx = t.tweets.filter((s) => s.source_text === text).length;
        console.log(`post ${i}: mastodon ${nm}, x ${nx}`);
        if (nm !== 1 || nx !== 1) bad++;
    }
    process.exit(bad ? 1 : 0);
})();
JS
n=$(grep -rl --include=text.txt "seed $SEED" "$OUTBOX" 2>/dev/null | wc -l)
[[ $n -eq $POSTS ]] || die "the outbox holds $n published posts, expected $POSTS"
step "the receipts import on the workstation: every post published"
for b in $(seq 1 $BUNDLES); do
    [[ -s $MEDIA/kill-$b.receipt ]] || die "no receipt was written for bundle $b"
    expect 0 cli "$P_BOB" receipt import "$MEDIA/kill-$b.receipt" --as bob
done
for id in "${IDS[@]}"; do
    expect 0 "$CLI" --store "$STORE" show "$id" --json
    out_has '"state":"published"'
done
echo "PASS: $POSTS posts x 3 channels published exactly once through $kills SIGKILLs"
