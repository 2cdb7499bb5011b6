#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Crash test with real SIGKILLs: the real postern-uploader publishes bundles of several posts to
# the Mastodon, TikTok and X contract servers (and an outbox channel), and is killed with
# SIGKILL at random moments, again and again, through `publish` and `resume`, until a run
# finishes on its own. Then every post must exist exactly once on every platform, and the
# receipts must say so. Each bundle holds text posts (X, Mastodon, outbox) and video posts
# (TikTok, outbox): TikTok has no idempotency key, so a kill around its last chunk leaves the
# target `sent`/`unknown`, and resume must reconcile it with status/fetch, never init again.
# The seed is printed; POSTERN_TEST_SEED=N replays a run (the kill moments are timing-bound,
# so a replay repeats the plan, not every interleaving).
# Usage: kill_test.sh POSTERN-CLI POSTERN-UPLOADER NODE
# shellcheck source=tests/e2e/lib.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../e2e/lib.sh"
# shellcheck source=tests/contract/kill_lib.sh
source "$here/kill_lib.sh"

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
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; kill_keep_log; rm -rf "$WORK"' EXIT
# control NAME ROUTE JSON: POST a test-only control request to a contract server.
control() {
    local url="URL_$1"
    "$NODE" -e 'fetch(process.argv[1], {method: "POST", headers: {"content-type": "application/json"}, body: process.argv[2]})
        .then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "${!url}/__control/$2" "$3" \
        || die "control request $2 to the $1 contract server failed"
}

step "start the Mastodon, TikTok and X contract servers"
start_server mastodon
start_server tiktok
start_server x
# shellcheck disable=SC2154
echo "mastodon at $URL_mastodon, tiktok at $URL_tiktok, x at $URL_x"
# TikTok publishes a video right after its last chunk (no processing polls): the adapter would
# otherwise wait 5 s between status checks, and the crash windows are the same either way.
control tiktok processing '{"polls": 0}'
# TikTok's limits are per token per minute (video/init: 6) and killed runs repeat inits: move
# the contract server's clock past the window before every run instead of waiting a minute.
before_round() { control tiktok advance '{"ms": 61000}'; }

OUTBOX="$WORK/outbox"
TIKTOK=tiktok:press.example
kill_ceremony "$OUTBOX" x:pressoffice mastodon:press "$TIKTOK" outbox:press

step "accounts on the uploader"
(umask 077 && echo press-token >"$WORK/mastodon.token")
expect 0 up account add mastodon:press --handle press --service "$URL_mastodon" --token-file "$WORK/mastodon.token"
(umask 077 && printf '%s' '{"access_token":"x-access-0","refresh_token":"x-refresh-0","client_id":"postern-test-client","expires_in":7200}' >"$WORK/x.json")
expect 0 up account add x:pressoffice --handle pressoffice --service "$URL_x" --credentials-file "$WORK/x.json"
# The contract server's initial tokens and test client (tests/contract/tiktok.mjs).
(umask 077 && printf '%s' '{"access_token":"act.initial","refresh_token":"rft.initial","client_id":"ck-postern-test","client_secret":"cs-postern-test","expires_in":86400,"open_id":"open-id-press"}' >"$WORK/tiktok.json")
expect 0 up account add "$TIKTOK" --handle press.example --service "$URL_tiktok" --credentials-file "$WORK/tiktok.json"

# make_mp4 FILE N: a small MP4 the workstation's sanitiser accepts and passes through byte for
# byte (an ftyp box and an mdat box, no metadata box), different for every N.
make_mp4() {
    # shellcheck disable=SC2016 # JavaScript, not shell
    "$NODE" -e '
const crypto = require("crypto");
const n = Number(process.argv[2]);
const ftyp = Buffer.from([0, 0, 0, 0x18, ...Buffer.from("ftypisom"), 0, 0, 2, 0, ...Buffer.from("isommp42")]);
const data = crypto.createHash("sha512").update(`postern kill test video ${n}`).digest();
const payload = Buffer.concat(Array.from({ length: 600 + 37 * n }, () => data));
const head = Buffer.alloc(8); head.writeUInt32BE(8 + payload.length); head.write("mdat", 4);
require("fs").writeFileSync(process.argv[1], Buffer.concat([ftyp, head, payload]));
' "$1" "$2" || die "cannot make the test video"
}

step "a Mastodon post with an image, killed while its answer is held, found among 100 media posts"
# The status is saved and its answer never comes; the uploader is killed while it waits, so the
# target is left `sent`. Then 100 newer posts with two images each fill the account's timeline
# (three pages of 40, every status with Mastodon's documented attachment entities), and resume
# must find the post there instead of publishing it again.
IMAGE="$WORK/kill-image.png"
printf '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82' >"$IMAGE"
MEDIA_TEXT="Kill test: a Mastodon post with an image, seed $SEED"
approve_post --channel mastodon:press --option mastodon:press.visibility=public --text "$MEDIA_TEXT" \
    --media "$IMAGE" --alt "A one-pixel test image"
expect 0 cli "$P_BOB" export "$POST_ID" --as bob --out "$MEDIA/kill-media.postern"
control mastodon fault '{"op": "POST /api/v1/statuses", "fault": "hold-after-commit"}'
(exec "$UPLOADER" --home "$UHOME" --log-level info --log-file "$WORK/uploader.log" --passphrase-file "$P_UP" \
    publish "$MEDIA/kill-media.postern" --receipt "$MEDIA/kill-media.receipt" </dev/null >"$OUT" 2>"$ERR") &
pid=$!
# mastodon_count TEXT: how many live statuses the server holds with that text, and their images.
mastodon_count() {
    "$NODE" -e 'fetch(process.argv[1] + "/__control/state").then((r) => r.json()).then((m) => {
        const s = m.statuses.filter((x) => x.text === process.argv[2] && !x.deleted);
        process.stdout.write(`${s.length} ${s.map((x) => x.media_ids.length).join(",")}`);
    })' "$URL_mastodon" "$1"
}
for _ in $(seq 1 300); do
    [[ $(mastodon_count "$MEDIA_TEXT") == "1 1" ]] && break
    sleep 0.1
done
[[ $(mastodon_count "$MEDIA_TEXT") == "1 1" ]] || die "the held Mastodon status with its image was never saved"
kill -9 "$pid" 2>/dev/null || die "publish ended before the kill (the answer was not held)"
wait "$pid" 2>/dev/null || true
KILLS=$((KILLS + 1))
control mastodon status '{"text": "Newer post with two images", "count": 100, "media": 2}'
expect 0 up resume
[[ $(mastodon_count "$MEDIA_TEXT") == "1 1" ]] || die "the post is not on Mastodon exactly once with its image: $(mastodon_count "$MEDIA_TEXT")"
grep -q "is this post; not sending it again" "$WORK/uploader.log" || die "resume did not find the post among the media posts"
[[ -s $MEDIA/kill-media.receipt ]] || die "no receipt for the reconciled bundle"
echo "  found again among 100 media posts after a SIGKILL while the answer was held; published once"

BUNDLES=4
TEXT_POSTS=4  # per bundle: X, Mastodon and outbox
VIDEO_POSTS=2 # per bundle: TikTok and outbox, one video each
PER_BUNDLE=$((TEXT_POSTS + VIDEO_POSTS))
POSTS=$(((BUNDLES + 1) * PER_BUNDLE)) # bundle 0 is published without kills, to time a run
text_of() { echo "Kill test post $1 of $POSTS, seed $SEED"; }
VIDEO_NS=()
for b in $(seq 0 $BUNDLES); do
    step "bundle $b: $TEXT_POSTS text posts and $VIDEO_POSTS video posts, approved and exported"
    ids=()
    for i in $(seq 1 $PER_BUNDLE); do
        n=$((b * PER_BUNDLE + i))
        if ((i <= TEXT_POSTS)); then
            approve_post --channel x:pressoffice --channel mastodon:press --channel outbox:press \
                --option mastodon:press.visibility=public --text "$(text_of "$n")"
        else
            make_mp4 "$WORK/video-$n.mp4" "$n"
            VIDEO_NS+=("$n")
            approve_post --channel "$TIKTOK" --channel outbox:press --text "$(text_of "$n")" \
                --media "$WORK/video-$n.mp4" --option "$TIKTOK.privacy_level=PUBLIC_TO_EVERYONE" \
                --option "$TIKTOK.disable_comment=false" --option "$TIKTOK.disable_duet=true" \
                --option "$TIKTOK.disable_stitch=false"
        fi
        ids+=("$POST_ID")
    done
    expect 0 cli "$P_BOB" export "${ids[@]}" --as bob --out "$MEDIA/kill-$b.postern"
    if ((b == 0)); then
        step "bundle 0: publish without kills, to time a whole run"
        time_full_run "$MEDIA/kill-0.postern" "$MEDIA/kill-0.receipt"
        continue
    fi
    step "bundle $b: publish and resume under random SIGKILLs"
    publish_under_kills "$MEDIA/kill-$b.postern" "$MEDIA/kill-$b.receipt"
done
finish_deferred
kill_summary

step "every post exists exactly once on every platform"
"$NODE" - "$URL_mastodon" "$URL_x" "$URL_tiktok" "$POSTS" "$SEED" "$WORK" "${VIDEO_NS[*]}" <<'JS' || die "a post is missing or duplicated (see above)"
const [mastodon, x, tiktok, posts, seed, work, videoList] = process.argv.slice(2);
const fs = require('fs');
const crypto = require('crypto');
const videos = new Set(videoList.split(' ').map(Number));
const get = async (u) => (await fetch(u + '/__control/state')).json();
(async () => {
    const m = await get(mastodon);
    const t = await get(x);
    const k = await get(tiktok);
    let bad = 0;
    for (let i = 1; i <= Number(posts); i++) {
        const text = `Kill test post ${i} of ${posts}, seed ${seed}`;
        const nm = m.statuses.filter((s) => s.text === text && !s.deleted).length;
        const nx = t.tweets.filter((s) => s.source_text === text).length;
        // A TikTok post exists once its upload is complete: count those, and check the one
        // there is published with the post's own video and options.
        const nk = k.posts.filter((p) => p.post_info.title === text);
        let line = `post ${i}: mastodon ${nm}, x ${nx}, tiktok ${nk.length}`;
        if (videos.has(i)) {
            const want = crypto.createHash('sha256').update(fs.readFileSync(`${work}/video-${i}.mp4`)).digest('hex');
            const p = nk[0];
            const ok = nk.length === 1 && nm === 0 && nx === 0 && p.status === 'PUBLISH_COMPLETE' && p.sha256 === want
                && p.post_info.privacy_level === 'PUBLIC_TO_EVERYONE' && p.post_info.disable_duet === true;
            if (!ok) { bad++; line += `  <- expected tiktok 1 (${p ? p.status + ', sha256 ' + (p.sha256 === want ? 'ok' : 'differs') : 'none'})`; }
        } else if (nm !== 1 || nx !== 1 || nk.length !== 0) {
            bad++;
            line += '  <- expected mastodon 1, x 1';
        }
        console.log(line);
    }
    const abandoned = k.publishes.filter((p) => p.sha256 === null).length;
    const inits = k.requests.filter((r) => r.path === '/v2/post/publish/video/init/' && r.code === 'ok').length;
    console.log(`tiktok: ${inits} accepted inits, ${abandoned} attempt(s) left without their last byte (never published)`);
    process.exit(bad ? 1 : 0);
})();
JS
n=$(grep -rl --include=text.txt "seed $SEED" "$OUTBOX" 2>/dev/null | wc -l)
[[ $n -eq $POSTS ]] || die "the outbox holds $n published posts, expected $POSTS"
receipts=("$MEDIA/kill-media.receipt")
for b in $(seq 0 $BUNDLES); do receipts+=("$MEDIA/kill-$b.receipt"); done
import_receipts "${receipts[@]}"
echo "PASS: $POSTS posts ($(((BUNDLES + 1) * TEXT_POSTS)) to X, Mastodon and outbox; $(((BUNDLES + 1) * VIDEO_POSTS)) to TikTok and outbox) published exactly once through $KILLS SIGKILLs"
