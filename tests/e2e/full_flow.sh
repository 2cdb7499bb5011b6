#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# End-to-end: the whole Postern flow with the real executables, from key ceremony to receipt,
# with the negative checks that matter (self-approval, threshold, export once, replay, audit
# tampering). Usage: full_flow.sh PATH/TO/postern-cli PATH/TO/postern-uploader
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

CLI=${1:?usage: full_flow.sh POSTERN-CLI POSTERN-UPLOADER}
UPLOADER=${2:?usage: full_flow.sh POSTERN-CLI POSTERN-UPLOADER}
e2e_setup

STORE="$WORK/store"
UHOME="$WORK/uploader"
MEDIA="$WORK/media"      # the "removable media"
mkdir -p "$MEDIA"
P_UP=$(passphrase_file uploader 'uploader passphrase 1')
P_ROOT=$(passphrase_file root 'root passphrase 12')
P_ALICE=$(passphrase_file alice 'alice passphrase 1')
P_BOB=$(passphrase_file bob 'bob passphrase 123')
P_CAROL=$(passphrase_file carol 'carol passphrase 1')
P_OLGA=$(passphrase_file olga 'olga passphrase 12')

# cli PASSFILE ARGS...: postern-cli on this store acting with PASSFILE ("-" for none).
cli() {
    local pass=$1
    shift
    # Every call logs at trace level to a file, which the last step searches for secrets.
    if [[ $pass == - ]]; then
        "$CLI" --store "$STORE" --log-level trace --log-file "$WORK/cli.log" "$@"
    else
        "$CLI" --store "$STORE" --log-level trace --log-file "$WORK/cli.log" --passphrase-file "$pass" "$@"
    fi
}
up() { "$UPLOADER" --home "$UHOME" --log-level trace --log-file "$WORK/uploader.log" --passphrase-file "$P_UP" "$@"; }

step "uploader init"
expect 0 up init --name up1 --kdf interactive
UP_FP=$(field_of fingerprint)
[[ $UP_FP =~ ^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$ ]] || die "no uploader fingerprint in the init output"
UP_ID="$UHOME/uploader-identity.postern"
[[ -f $UP_ID ]] || die "the uploader identity file is missing"

step "workstation init"
expect 0 "$CLI" --store "$STORE" --new-passphrase-file "$P_ROOT" --kdf interactive init --name ws1 --admin root
out_has 'initialised workstation "ws1"'
WS_FP=$(field_of workstation)
[[ -n $WS_FP ]] || die "no workstation fingerprint in the init output"
expect 1 "$CLI" --store "$STORE" --new-passphrase-file "$P_ROOT" --kdf interactive init --name ws1 --admin root
err_has "already an initialised store"

step "key ceremony, workstation side: uploader trust (a wrong fingerprint is refused first)"
expect 3 cli "$P_ROOT" uploader trust "$UP_ID" --as root --fingerprint AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH
err_has "does not match"
expect 0 cli "$P_ROOT" uploader trust "$UP_ID" --as root --fingerprint "$UP_FP"
out_has "trusted uploader \"up1\" ($UP_FP)"

step "key ceremony: identity export and uploader trust"
WS_ID="$MEDIA/ws1.identity"
expect 0 cli "$P_ROOT" identity export "$WS_ID" --as root
EXPORTED_FP=$(field_of fingerprint)
[[ $EXPORTED_FP == "$WS_FP" ]] || die "identity export shows $EXPORTED_FP, init showed $WS_FP"
[[ $(stat -c %a "$WS_ID") == 644 ]] || die "the identity file is not mode 0644"
expect 0 up trust "$WS_ID" --fingerprint "$WS_FP"
out_has "trusted workstation \"ws1\""

step "users: alice (author, also an approver), bob and carol (approvers), olga (operator)"
# alice also holds the approver role so that approving her own post reaches the self-approval
# rule rather than the role check: the author-approver is the case the rule exists for.
add_user() {
    expect 0 "$CLI" --store "$STORE" --passphrase-file "$P_ROOT" --new-passphrase-file "$2" --kdf interactive \
        user add "$1" --roles "$3" --as root
    out_has "added user \"$1\""
}
add_user alice "$P_ALICE" author,approver
add_user bob "$P_BOB" approver
add_user carol "$P_CAROL" approver
add_user olga "$P_OLGA" operator
expect 0 cli - user list --json
out_has '"name":"olga","roles":["operator"]'

step "policy: a misspelt field is refused, then 2 approvals from bob and carol on outbox:press"
cat >"$WORK/bad-policy.json" <<'JSON'
{"channels": [{"channel": "outbox:press", "required": 2, "approver": ["bob", "carol"]}]}
JSON
expect 1 cli "$P_ROOT" policy set "$WORK/bad-policy.json" --as root
err_has 'unknown member "approver"'
cat >"$WORK/policy.json" <<'JSON'
{
  "channels": [
    {"channel": "outbox:press", "required": 2, "approvers": ["bob", "carol"], "max_lifetime": "24h"}
  ]
}
JSON
expect 0 cli "$P_ROOT" policy set "$WORK/policy.json" --as root
out_has "2 approval(s) from bob, carol"
expect 0 cli - policy show
out_has "outbox:press"

step "draft with an image and alt text"
IMAGE="$WORK/open-day.png"
# A real 1x1 PNG (signature, IHDR, IDAT, IEND).
printf '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82' >"$IMAGE"
TEXT='Open day on Saturday, 10:00 to 16:00 — everyone welcome ✓'
ALT='Poster of the open day'
expect 0 cli "$P_ALICE" draft new --as alice --channel outbox:press --text "$TEXT" --media "$IMAGE" --alt "$ALT"
POST=$(awk '/^created post /{print $3; exit}' "$OUT")
[[ $POST =~ ^[0-9a-f]{32}$ ]] || die "no post id in the draft output"
SHORT=${POST:0:12}
expect 0 cli - list --json
out_has "\"id\":\"$POST\""
out_has '"state":"draft"'

step "submit (by a 12-digit prefix)"
expect 0 cli "$P_ALICE" submit "$SHORT" --as alice
out_has "submitted post $POST"

step "negative: alice approving her own post is refused as self-approval"
expect 3 cli "$P_ALICE" approve "$POST" --as alice
err_has "self-approval"

step "negative: export before enough approvals is refused"
expect 0 cli "$P_BOB" approve "$SHORT" --as bob
out_has "in_review"
expect 3 cli "$P_OLGA" export "$POST" --as olga --out "$MEDIA/early.postern"
err_has "not approved"
[[ ! -e "$MEDIA/early.postern" ]] || die "a refused export left a file behind"
expect 0 cli - show "$POST" --json
out_has '1 valid approval(s) for outbox:press; 2 required'

step "second approval (carol) makes the post approved"
expect 0 cli "$P_CAROL" approve "$POST" --as carol
out_has "every approval it needs"
expect 0 cli - show "$POST" --json
out_has '"state":"approved"'
out_has '"approvals":["bob","carol"]'

step "export"
BUNDLE="$MEDIA/press-1.postern"
expect 0 cli "$P_OLGA" export "$POST" --as olga --out "$BUNDLE" --lifetime 2h
out_has "exported 1 post(s)"
out_has "sequence     1"
BUNDLE_FP=$(field_of fingerprint)
[[ -n $BUNDLE_FP ]] || die "export printed no bundle fingerprint"
[[ -s $BUNDLE ]] || die "the bundle file is missing"
cp "$BUNDLE" "$WORK/press-1.copy"

step "negative: the same post cannot be exported again"
expect 3 cli "$P_OLGA" export "$POST" --as olga --out "$MEDIA/again.postern"
err_has "already-exported"

step "uploader verify"
expect 0 up verify "$BUNDLE"
out_has "OK: the bundle passed every check"
# The transfer form carries the fingerprint export printed; the uploader must show the same.
VERIFIED_FP=$(awk '$1 == "fingerprint" { print $2; exit }' "$OUT")
[[ $VERIFIED_FP == "$BUNDLE_FP" ]] || die "uploader verify shows fingerprint $VERIFIED_FP, export printed $BUNDLE_FP"

step "uploader publish"
expect 0 up publish "$BUNDLE"
out_has "1 published, 0 failed"
[[ ! -e $BUNDLE ]] || die "the bundle file is still there after publish"
TARGET=$(find "$UHOME/outbox" -mindepth 2 -maxdepth 2 -type d -name '000-00' | head -n 1)
[[ -n $TARGET ]] || die "no outbox folder was written"
printf '%s' "$TEXT" >"$WORK/expected-text"
cmp -s "$WORK/expected-text" "$TARGET/text.txt" || die "text.txt is not exactly the post text"
cmp -s "$IMAGE" "$TARGET/media-0.png" || die "media-0.png differs from the source image"
printf '%s' "$ALT" >"$WORK/expected-alt"
cmp -s "$WORK/expected-alt" "$TARGET/media-0.alt.txt" || die "media-0.alt.txt is not exactly the alt text"
RECEIPT="$BUNDLE.receipt"
[[ -s $RECEIPT ]] || die "no receipt next to the bundle"

step "negative: publishing a kept copy of the same bundle is a replay (exit 4)"
expect 4 up publish "$WORK/press-1.copy"
err_has "replay"

step "receipt import marks the post published"
expect 0 cli "$P_OLGA" receipt import "$RECEIPT" --as olga
out_has "published"
expect 0 cli - show "$POST" --json
out_has '"state":"published"'
out_has '"outcome":"published"'
expect 0 cli - list --state published --json
out_has "\"id\":\"$POST\""
expect 3 cli "$P_OLGA" receipt import "$RECEIPT" --as olga
err_has "already"

step "orders: a cancel of a published post is refused; a retract goes through review and export"
expect 3 cli "$P_ALICE" order cancel "$POST" --reason "Wrong date" --as alice
err_has "use retract"
expect 0 cli "$P_ALICE" order retract "${POST:0:12}" --reason "Wrong date in the text" --as alice
ORDER=$(awk '$1 == "order" { print $2; exit }' "$OUT")
[[ ${#ORDER} -eq 32 ]] || die "order retract printed no order id"
out_has "pending"
expect 3 cli "$P_ALICE" order approve "$ORDER" --as alice
err_has "self-approval"
expect 0 cli "$P_BOB" order approve "${ORDER:0:8}" --as bob
out_has "outbox:press 1 of 2"
expect 3 cli "$P_OLGA" export --order "$ORDER" --as olga --out "$MEDIA/early-order.postern"
err_has "not-approved"
expect 0 cli "$P_CAROL" order approve "$ORDER" --as carol
out_has "approved"
ORDER_BUNDLE="$MEDIA/press-2.postern"
expect 0 cli "$P_OLGA" export --all-approved --as olga --out "$ORDER_BUNDLE"
out_has "exported 0 post(s) and 1 order(s)"
out_has "$ORDER"
expect 3 cli "$P_ALICE" order withdraw "$ORDER" --as alice
err_has "invalid-state"
expect 0 cli - order list "$POST"
out_has "exported"
expect 0 cli - show "$POST"
out_has "retract  exported"
expect 0 up verify "$ORDER_BUNDLE"
out_has "OK: the bundle passed every check"

step "the uploader carries out the retract; its receipt marks the post retracted"
expect 0 up publish "$ORDER_BUNDLE"
out_has "retracted"
[[ ! -e $TARGET ]] || die "the retracted post's outbox folder is still there"
expect 0 up status
out_has "retracted 1"
expect 0 cli "$P_OLGA" receipt import "$ORDER_BUNDLE.receipt" --as olga
out_has "retracted"
expect 0 cli - order show "$ORDER"
out_has "done"
expect 0 cli - show "$POST" --json
out_has '"state":"retracted"'

step "revoking a whole bundle: the post is cancelled even though its bundle arrives last"
expect 0 cli "$P_ALICE" draft new --as alice --channel outbox:press --text "Embargoed statement" \
    --schedule "$(date -u -d '+3 days' '+%Y-%m-%dT%H:%M:%SZ')"
LATE=$(awk '/^created post /{print $3; exit}' "$OUT")
expect 0 cli "$P_ALICE" submit "$LATE" --as alice
expect 0 cli "$P_BOB" approve "$LATE" --as bob
expect 0 cli "$P_CAROL" approve "$LATE" --as carol
LOST="$MEDIA/lost.postern"
expect 0 cli "$P_OLGA" export "$LATE" --as olga --out "$LOST"
LOST_ID=$(awk '$1 == "bundle" { print $2; exit }' "$OUT")
[[ $LOST_ID =~ ^[0-9a-f]{32}$ ]] || die "export printed no bundle id"
expect 1 cli "$P_ALICE" order cancel --bundle "$LOST_ID" "$LATE" --reason "Drive lost" --as alice
err_has "give no POST"
expect 0 cli "$P_ALICE" order cancel --bundle "$LOST_ID" --reason "The drive with this bundle was lost" --as alice
out_has "1 of 1 post(s) of the bundle"
REVOKE=$(cli - order list "$LATE" | awk '$2 == "cancel" { print $1; exit }')
expect 0 cli "$P_BOB" order approve "$REVOKE" --as bob
expect 0 cli "$P_CAROL" order approve "$REVOKE" --as carol
REVOKE_BUNDLE="$MEDIA/revoke.postern"
expect 0 cli "$P_OLGA" export --all-approved --as olga --out "$REVOKE_BUNDLE"
out_has "exported 0 post(s) and 1 order(s)"
expect 0 up publish "$REVOKE_BUNDLE"
out_has "has not received the post"
expect 0 up publish "$LOST"
out_has "cancelled"
[[ -z $(find "$UHOME/outbox/$LOST_ID" -mindepth 1 2>/dev/null) ]] || die "a revoked bundle's post reached the outbox"
expect 0 cli "$P_OLGA" receipt import "$REVOKE_BUNDLE.receipt" --as olga
expect 0 cli "$P_OLGA" receipt import "$LOST.receipt" --as olga
expect 0 cli - show "$LATE" --json
out_has '"state":"cancelled"'

step "audit verify passes"
expect 0 cli - audit verify
out_has "OK: the audit chain of"
expect 0 cli - audit list --limit 30
out_has "receipt-import"
out_has "order-approve"

step "tamper with the audit log: audit verify must fail"
# The triggers only stop careless tools; dropping one is what an attacker would do first.
sqlite3 "$STORE/postern.db" "DROP TRIGGER audit_no_update; UPDATE audit SET details='x' WHERE seq=2;" \
    || die "sqlite3 could not edit the audit table"
expect 3 cli - audit verify
err_has "audit-chain-broken"
err_has "entry 2"

step "logs at trace level hold no passphrase, post text or alt text"
[[ -s "$WORK/cli.log" && -s "$WORK/uploader.log" ]] || die "the trace logs were not written"
for secret in 'uploader passphrase 1' 'bob passphrase 123' 'carol passphrase 1' 'olga passphrase 12' "$TEXT" "$ALT"; do
    if grep -qF -- "$secret" "$WORK/cli.log" "$WORK/uploader.log"; then
        die "a log file contains \"$secret\""
    fi
done

echo "OK: end-to-end flow passed ($STEP steps)"
