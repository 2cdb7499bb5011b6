#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# End to end against a real Bluesky server: the reference PDS from @atproto/dev-env runs on
# this host (tests/pds/start-pds.mjs); the real postern-cli builds and approves a bundle for
# a bluesky: channel with text, a link, a hashtag, a mention and two PNG images with alt text;
# postern-uploader publishes it; check-bluesky.mjs reads the record and blobs back and checks
# them byte for byte; the same bundle again publishes nothing. Then the crash tests
# (test_uploader_pds, Catch2) run against the same server.
# Usage: bluesky_e2e.sh POSTERN-CLI POSTERN-UPLOADER NODE-MODULES-DIR [TEST-UPLOADER-PDS]
# shellcheck source=tests/e2e/lib.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../e2e/lib.sh"
# shellcheck source=tests/pds/pds_lib.sh
source "$here/pds_lib.sh"

CLI=${1:?usage: bluesky_e2e.sh POSTERN-CLI POSTERN-UPLOADER NODE-DIR [TEST-BINARY]}
UPLOADER=${2:?usage}
PDS_DIR=${3:?usage}
CRASH_TESTS=${4:-}
e2e_setup
command -v curl >/dev/null || true

pds_start "$PDS_DIR"

STORE="$WORK/store"
UHOME="$WORK/uploader"
MEDIA="$WORK/media"
mkdir -p "$MEDIA"
P_UP=$(passphrase_file uploader 'uploader passphrase 1')
P_ROOT=$(passphrase_file root 'root passphrase 12')
P_ALICE=$(passphrase_file alice 'alice passphrase 1')
P_BOB=$(passphrase_file bob 'bob passphrase 123')
P_CAROL=$(passphrase_file carol 'carol passphrase 1')
P_OLGA=$(passphrase_file olga 'olga passphrase 12')
cli() {
    local pass=$1
    shift
    if [[ $pass == - ]]; then
        "$CLI" --store "$STORE" "$@"
    else
        "$CLI" --store "$STORE" --passphrase-file "$pass" "$@"
    fi
}
up() { "$UPLOADER" --home "$UHOME" --log-level trace --log-file "$WORK/uploader.log" --passphrase-file "$P_UP" "$@"; }
CHANNEL="bluesky:$HANDLE"

step "key ceremony, users and a policy for $CHANNEL"
expect 0 up init --name up1 --kdf interactive
UP_FP=$(field_of fingerprint)
expect 0 "$CLI" --store "$STORE" --new-passphrase-file "$P_ROOT" --kdf interactive init --name ws1 --admin root
WS_FP=$(field_of workstation)
expect 0 cli "$P_ROOT" uploader trust "$UHOME/uploader-identity.postern" --as root --fingerprint "$UP_FP"
expect 0 cli "$P_ROOT" identity export "$MEDIA/ws1.identity" --as root
expect 0 up trust "$MEDIA/ws1.identity" --fingerprint "$WS_FP"
for u in "alice $P_ALICE author" "bob $P_BOB approver" "carol $P_CAROL approver" "olga $P_OLGA operator"; do
    read -r name pass roles <<<"$u"
    expect 0 "$CLI" --store "$STORE" --passphrase-file "$P_ROOT" --new-passphrase-file "$pass" --kdf interactive \
        user add "$name" --roles "$roles" --as root
done
cat >"$WORK/policy.json" <<JSON
{"channels": [{"channel": "$CHANNEL", "required": 2, "approvers": ["bob", "carol"], "max_lifetime": "24h"}]}
JSON
expect 0 cli "$P_ROOT" policy set "$WORK/policy.json" --as root

step "two PNG images (1x1 and 3x2) and a post with a link, a hashtag and a mention"
"$NODE" -e '
const fs = require("fs"), zlib = require("zlib");
function png(w, h, rgb) {
  const chunk = (type, data) => { const t = Buffer.from(type); const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(zlib.crc32(Buffer.concat([t, data]))); return Buffer.concat([len, t, data, crc]); };
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const rows = []; for (let y = 0; y < h; y++) { rows.push(Buffer.from([0])); for (let x = 0; x < w; x++) rows.push(Buffer.from(rgb)); }
  return Buffer.concat([Buffer.from([0x89,0x50,0x4e,0x47,0x0d,0x0a,0x1a,0x0a]), chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
}
fs.writeFileSync(process.argv[1], png(1, 1, [200, 30, 30])); fs.writeFileSync(process.argv[2], png(3, 2, [30, 30, 200]));
' "$WORK/red.png" "$WORK/blue.png" || die "cannot make the test images"
TEXT="Open day — Saturday ✓ details: https://example.org/open-day?ref=postern. #OpenDay with @$HANDLE!"
ALT1='A red square: the poster'
ALT2='A blue rectangle — the map ✓'
expect 0 cli "$P_ALICE" draft new --as alice --channel "$CHANNEL" --text "$TEXT" \
    --media "$WORK/red.png" --alt "$ALT1" --media "$WORK/blue.png" --alt "$ALT2" --option "$CHANNEL.lang=de"
POST=$(awk '/^created post /{print $3; exit}' "$OUT")
expect 0 cli "$P_ALICE" submit "$POST" --as alice
expect 0 cli "$P_BOB" approve "$POST" --as bob
expect 0 cli "$P_CAROL" approve "$POST" --as carol
BUNDLE="$MEDIA/bluesky-1.postern"
expect 0 cli "$P_OLGA" export "$POST" --as olga --out "$BUNDLE" --lifetime 2h
cp "$BUNDLE" "$WORK/bluesky-1.copy"

step "account add (the app password never shows up in output or logs)"
expect 1 up account add "$CHANNEL" --handle "$HANDLE" --app-password-file "$APP_PASSWORD_FILE" \
    --service "http://example.org"
err_has "only https:// is allowed"
expect 0 up account add "$CHANNEL" --handle "$HANDLE" --app-password-file "$APP_PASSWORD_FILE" --service "$SERVICE"
out_has "added account $CHANNEL"
[[ $(stat -c %a "$UHOME/keys/host.key") == 600 ]] || die "keys/host.key is not 0600"
expect 0 up account list
out_has "$CHANNEL"
if grep -qaF -- "$(pds password)" "$UHOME/ledger.db" "$UHOME"/ledger.db-wal 2>/dev/null; then
    die "the app password is stored in clear in the ledger"
fi

step "publish to the local PDS"
expect 0 up publish "$BUNDLE"
out_has "1 published, 0 failed"
out_has "https://bsky.app/profile/$HANDLE/post/"
RECEIPT="$BUNDLE.receipt"
[[ -s $RECEIPT ]] || die "no receipt"

step "read the post and its blobs back from the PDS and compare byte for byte"
cat >"$WORK/expected.json" <<JSON
{"service": "$SERVICE", "did": "$DID", "handle": "$HANDLE", "count": 1,
 "text": $("$NODE" -e 'process.stdout.write(JSON.stringify(process.argv[1]))' "$TEXT"),
 "links": ["https://example.org/open-day?ref=postern"], "tags": ["OpenDay"], "langs": ["de"],
 "mentions": [{"handle": "$HANDLE", "did": "$DID"}],
 "images": [{"file": "$WORK/red.png", "alt": "$ALT1", "width": 1, "height": 1},
            {"file": "$WORK/blue.png", "alt": "$ALT2", "width": 3, "height": 2}]}
JSON
"$NODE" "$here/check-bluesky.mjs" "$WORK/expected.json" >"$OUT" 2>"$ERR" || die "the post on the PDS is not what the bundle held"
URI=$(cat "$OUT")
echo "published $URI"

step "the receipt names the at:// URI; the same bundle again publishes nothing (replay)"
expect 0 up status
out_has "$HANDLE/post/"
expect 4 up publish "$WORK/bluesky-1.copy"
err_has "replay"
"$NODE" "$here/check-bluesky.mjs" "$WORK/expected.json" >"$OUT" 2>"$ERR" || die "the replay changed the repo"

step "receipt import on the workstation marks the post published"
expect 0 cli "$P_OLGA" receipt import "$RECEIPT" --as olga
expect 0 cli - show "$POST" --json
out_has '"state":"published"'

step "logs hold no app password, passphrase or session token"
for secret in "$(pds password)" 'uploader passphrase 1'; do
    if grep -qF -- "$secret" "$WORK/uploader.log"; then die "the uploader log contains a secret"; fi
done
if grep -qE 'eyJ[A-Za-z0-9_-]{10,}\.' "$WORK/uploader.log"; then die "the uploader log contains a JWT"; fi

if [[ -n $CRASH_TESTS ]]; then
    step "crash tests against the same PDS (test_uploader_pds)"
    POSTERN_TEST_PDS_SERVICE=$SERVICE POSTERN_TEST_PDS_HANDLE=$HANDLE POSTERN_TEST_PDS_DID=$DID \
        POSTERN_TEST_PDS_PASSWORD=$(pds password) "$CRASH_TESTS" >"$OUT" 2>"$ERR" || die "the crash tests failed"
    tail -n 3 "$OUT"
fi
echo "OK: Bluesky end-to-end passed ($STEP steps)"
