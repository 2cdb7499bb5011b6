#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Crash test with real SIGKILLs against a real Bluesky server: the reference PDS from
# @atproto/dev-env runs on this host (pds_lib.sh, as in bluesky_e2e.sh); the real
# postern-uploader publishes bundles of several posts (some with an image and alt text) to
# the bluesky: channel and an outbox, and is killed with SIGKILL at random moments through
# `publish` and `resume` until a run finishes on its own. Then the account's records are read
# back with com.atproto.repo.listRecords: every post exists exactly once (the record key is
# chosen and stored before createRecord, and resume asks getRecord before sending again), each
# image is the one of its post byte for byte, and the receipts mark every post published.
# The seed is printed; POSTERN_TEST_SEED=N replays a run (the kill moments are timing-bound,
# so a replay repeats the plan, not every interleaving).
# Usage: kill_pds.sh POSTERN-CLI POSTERN-UPLOADER NODE-MODULES-DIR
# shellcheck source=tests/e2e/lib.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../e2e/lib.sh"
# shellcheck source=tests/pds/pds_lib.sh
source "$here/pds_lib.sh"
# shellcheck source=tests/contract/kill_lib.sh
source "$here/../contract/kill_lib.sh"

CLI=${1:?usage: kill_pds.sh POSTERN-CLI POSTERN-UPLOADER NODE-MODULES-DIR}
UPLOADER=${2:?usage}
PDS_DIR=${3:?usage}
e2e_setup
SEED=${POSTERN_TEST_SEED:-$(( $(date +%s) % 100000 ))}
RANDOM=$SEED
echo "seed $SEED (replay with POSTERN_TEST_SEED=$SEED)"

pds_start "$PDS_DIR"
trap 'pds_stop; kill_keep_log; rm -rf "$WORK"' EXIT
CHANNEL="bluesky:$HANDLE"
OUTBOX="$WORK/outbox"
kill_ceremony "$OUTBOX" "$CHANNEL" outbox:press

step "account add $CHANNEL"
expect 0 up account add "$CHANNEL" --handle "$HANDLE" --app-password-file "$APP_PASSWORD_FILE" --service "$SERVICE"

BUNDLES=4
PER_BUNDLE=4
POSTS=$(((BUNDLES + 1) * PER_BUNDLE)) # bundle 0 is published without kills, to time a run
text_of() { echo "PDS kill test post $1 of $POSTS, seed $SEED #postern"; }

# make_png FILE N: a small PNG, different for every N (w x h = N x 2).
make_png() {
    "$NODE" -e '
const fs = require("fs"), zlib = require("zlib");
const n = Number(process.argv[2]), w = n, h = 2;
const chunk = (type, data) => { const t = Buffer.from(type); const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(zlib.crc32(Buffer.concat([t, data]))); return Buffer.concat([len, t, data, crc]); };
const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
const rows = []; for (let y = 0; y < h; y++) { rows.push(Buffer.from([0])); for (let x = 0; x < w; x++) rows.push(Buffer.from([n * 20 % 256, x * 9 % 256, y * 90])); }
fs.writeFileSync(process.argv[1], Buffer.concat([Buffer.from([0x89,0x50,0x4e,0x47,0x0d,0x0a,0x1a,0x0a]), chunk("IHDR", ihdr),
  chunk("IDAT", zlib.deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]));
' "$1" "$2" || die "cannot make the test image"
}

for b in $(seq 0 $BUNDLES); do
    step "bundle $b: $PER_BUNDLE posts to $CHANNEL and the outbox (every other one with an image), approved and exported"
    ids=()
    for i in $(seq 1 $PER_BUNDLE); do
        n=$((b * PER_BUNDLE + i))
        media=()
        if ((n % 2 == 0)); then
            make_png "$WORK/image-$n.png" "$n"
            media=(--media "$WORK/image-$n.png" --alt "Image of post $n")
        fi
        approve_post --channel "$CHANNEL" --channel outbox:press --text "$(text_of "$n")" "${media[@]}"
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

step "read the account's posts back from the PDS: every post exactly once, images byte for byte"
"$NODE" - "$SERVICE" "$DID" "$POSTS" "$SEED" "$WORK" <<'JS' || die "a post is missing or duplicated on the PDS (see above)"
const [service, did, posts, seed, work] = process.argv.slice(2);
const fs = require('fs');
const get = async (nsid, params, raw = false) => {
    const res = await fetch(`${service}/xrpc/${nsid}?${new URLSearchParams(params)}`);
    if (!res.ok) throw new Error(`${nsid} answered HTTP ${res.status}: ${await res.text()}`);
    return raw ? Buffer.from(await res.arrayBuffer()) : res.json();
};
(async () => {
    const records = [];
    let cursor;
    do {
        const page = await get('com.atproto.repo.listRecords',
            { repo: did, collection: 'app.bsky.feed.post', limit: 100, ...(cursor ? { cursor } : {}) });
        records.push(...page.records);
        cursor = page.records.length ? page.cursor : undefined;
    } while (cursor);
    let bad = 0;
    for (let i = 1; i <= Number(posts); i++) {
        const text = `PDS kill test post ${i} of ${posts}, seed ${seed} #postern`;
        const found = records.filter((r) => r.value.text === text);
        let line = `post ${i}: ${found.length} record(s)`;
        if (found.length !== 1) {
            bad++;
            line += '  <- expected exactly 1';
        } else if (i % 2 === 0) {
            const images = found[0].value.embed?.images || [];
            const want = fs.readFileSync(`${work}/image-${i}.png`);
            const blob = images.length === 1
                ? await get('com.atproto.sync.getBlob', { did, cid: images[0].image.ref.$link }, true) : null;
            if (!blob || !blob.equals(want) || images[0].alt !== `Image of post ${i}`) {
                bad++;
                line += '  <- its image is missing or differs';
            } else line += ', image ok';
        }
        console.log(line);
    }
    console.log(`the repo holds ${records.length} post record(s)`);
    if (records.length !== Number(posts)) bad++;
    process.exit(bad ? 1 : 0);
})().catch((e) => { console.error(String(e)); process.exit(1); });
JS
n=$(grep -rl --include=text.txt "seed $SEED" "$OUTBOX" 2>/dev/null | wc -l)
[[ $n -eq $POSTS ]] || die "the outbox holds $n published posts, expected $POSTS"
receipts=()
for b in $(seq 0 $BUNDLES); do receipts+=("$MEDIA/kill-$b.receipt"); done
import_receipts "${receipts[@]}"
echo "PASS: $POSTS posts x 2 channels (Bluesky PDS, outbox) published exactly once through $KILLS SIGKILLs"
