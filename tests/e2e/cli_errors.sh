#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Usage and error handling of postern-cli: exit codes and the messages a person sees.
# Usage: cli_errors.sh PATH/TO/postern-cli
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

CLI=${1:?usage: cli_errors.sh POSTERN-CLI}
e2e_setup
STORE="$WORK/store"
P_ROOT=$(passphrase_file root 'root passphrase 12')
P_OLGA=$(passphrase_file olga 'olga passphrase 12')
P_WRONG=$(passphrase_file wrong 'not the passphrase')
P_SHORT=$(passphrase_file short 'short')

step "no command prints the usage and exits 1"
expect 1 "$CLI"
out_has "usage: postern-cli"

step "unknown command: exit 1 with a pointer to the usage"
expect 1 "$CLI" frobnicate
err_has 'postern-cli: unknown command "frobnicate"'
err_has "--help\` for usage"
expect 1 "$CLI" user frobnicate
err_has "use user add, list, roles, disable or rotate-key"
expect 1 "$CLI" user
err_has "user needs a sub-command"

step "--help for the tool and for every command"
expect 0 "$CLI" --help
out_has "exit codes:"
for c in init user uploader identity policy draft submit approve reject list show export receipt audit; do
    expect 0 "$CLI" $c --help
    out_has "usage: postern-cli $c"
done
expect 0 "$CLI" draft new --help
out_has "--channel-text"

step "unknown and misplaced options: exit 1"
expect 1 "$CLI" list --bogus
err_has "unknown option --bogus"
expect 1 "$CLI" list --reason x
err_has "does not apply to \`list\`"
expect 1 "$CLI" list --limit 5 --limit 6
err_has "given twice"
expect 1 "$CLI" --kdf enormous list
expect 1 "$CLI" --log-level loud list
err_has "unknown log level"

step "missing store: exit 6 with the init hint"
expect 6 "$CLI" --store "$WORK/nowhere" list
err_has "postern-cli: hint: run \`postern-cli init"
POSTERN_STORE="$WORK/elsewhere" expect 6 "$CLI" user list
err_has "$WORK/elsewhere"

step "init refuses a short passphrase and missing flags"
expect 1 "$CLI" --store "$STORE" --new-passphrase-file "$P_SHORT" --kdf interactive init --name ws --admin root
err_has "12"
expect 1 "$CLI" --store "$STORE" init --name ws
err_has "--admin"
expect 0 "$CLI" --store "$STORE" --new-passphrase-file "$P_ROOT" --kdf interactive init --name ws --admin root

step "wrong passphrase: exit 7, nothing written"
expect 7 "$CLI" --store "$STORE" --passphrase-file "$P_WRONG" identity export "$WORK/id" --as root
err_has "wrong-passphrase"
[[ ! -e "$WORK/id" ]] || die "a failed login still wrote the identity file"

step "who acts: missing --as, unknown user, missing passphrase file"
expect 1 "$CLI" --store "$STORE" --passphrase-file "$P_ROOT" identity export "$WORK/id"
err_has "needs --as USER"
expect 1 "$CLI" --store "$STORE" --passphrase-file "$P_ROOT" identity export "$WORK/id" --as nobody
err_has 'there is no user named "nobody"'
expect 1 "$CLI" --store "$STORE" --passphrase-file "$WORK/missing.pass" identity export "$WORK/id" --as root
err_has "missing.pass"

step "draft flags are checked before anything is asked"
expect 1 "$CLI" --store "$STORE" draft new --as root --text hi
err_has "at least one --channel"
expect 1 "$CLI" --store "$STORE" draft new --as root --channel outbox:press
err_has "no text for outbox:press"
expect 1 "$CLI" --store "$STORE" draft new --as root --channel outbox:press --text hi --alt "no media"
err_has "no --media comes first"
expect 1 "$CLI" --store "$STORE" draft new --as root --channel outbox:press --text hi --schedule tomorrow
err_has "not a UTC time"
expect 1 "$CLI" --store "$STORE" draft new --as root --channel mastodon:@a@b.example --text hi \
    --option mastodon:@a@b.example.sensitive=maybe
err_has "must be true or false"
expect 1 "$CLI" --store "$STORE" draft new --as root --channel outbox:press --text hi --option x:other.k=v
err_has "not one of the post's --channel"

step "post ids: bad, unknown prefix; reject needs a reason"
expect 1 "$CLI" --store "$STORE" show 12345
err_has "is not a post id"
expect 1 "$CLI" --store "$STORE" show abcdef
err_has "no post id starts with abcdef"
expect 1 "$CLI" --store "$STORE" reject abcdef --as root
err_has "--reason"

step "roles and readiness: refused (3) and no uploader (6)"
expect 0 "$CLI" --store "$STORE" --passphrase-file "$P_ROOT" --new-passphrase-file "$P_OLGA" --kdf interactive \
    user add olga --roles operator --as root
expect 3 "$CLI" --store "$STORE" --passphrase-file "$P_ROOT" draft new --as root --channel outbox:press --text hi
err_has "not-authorised"
printf 'not a receipt\n' >"$WORK/junk.receipt"
expect 6 "$CLI" --store "$STORE" --passphrase-file "$P_OLGA" receipt import "$WORK/junk.receipt" --as olga
err_has "hint: run \`postern-cli uploader trust"
touch "$WORK/taken.postern"
expect 1 "$CLI" --store "$STORE" --passphrase-file "$P_OLGA" export --all-approved --as olga --out "$WORK/taken.postern"
err_has "already exists"
expect 3 "$CLI" --store "$STORE" --passphrase-file "$P_OLGA" export --all-approved --as olga --out "$WORK/new.postern"
err_has "no post or order is approved"

step "backup and restore: a round trip into a new folder"
expect 0 "$CLI" --store "$STORE" backup "$WORK/backup"
out_has "backed up to $WORK/backup"
expect 3 "$CLI" --store "$STORE" backup "$WORK/backup"
err_has "nothing is ever overwritten"
expect 0 "$CLI" restore "$WORK/backup" --store "$WORK/restored"
out_has "restored into $WORK/restored"
expect 0 "$CLI" --store "$WORK/restored" user list
out_has "olga"
expect 0 "$CLI" --store "$WORK/restored" audit verify

# Issue 11 §4, reproduced as written: random bytes over pages 5-7 of the store's database.
step "a damaged store says so: receipt import and audit verify fail with damaged, list writes nothing"
[[ $(stat -c %s "$STORE/postern.db") -ge $((8 * 4096)) ]] || die "the store is too small to damage pages 5-7"
dd if=/dev/urandom of="$STORE/postern.db" bs=4096 seek=5 count=3 conv=notrunc status=none
expect 2 "$CLI" --store "$STORE" --passphrase-file "$P_OLGA" receipt import "$WORK/junk.receipt" --as olga
err_has "damaged"
if grep -qF "uploader trust" "$ERR"; then die "a damaged store was reported as having no uploader"; fi
expect 2 "$CLI" --store "$STORE" audit verify
err_has "is damaged"
before=$(sha256sum "$STORE/postern.db")
"$CLI" --store "$STORE" list </dev/null >"$OUT" 2>"$ERR" || true
[[ $(sha256sum "$STORE/postern.db") == "$before" ]] || die "a read-only list changed the damaged database"
[[ ! -e "$STORE/postern.db-journal" && ! -e "$STORE/postern.db-wal" ]] || die "list left a journal beside the damaged database"
# The backup made before the damage still restores, and the damaged store is never copied on.
expect 2 "$CLI" --store "$STORE" backup "$WORK/backup-of-damaged"
[[ ! -e "$WORK/backup-of-damaged" ]] || die "a damaged store was copied into a backup"
expect 0 "$CLI" restore "$WORK/backup" --store "$WORK/restored-again"
expect 0 "$CLI" --store "$WORK/restored-again" audit verify

echo "OK: cli error handling passed ($STEP steps)"
