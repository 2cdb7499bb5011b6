// SPDX-License-Identifier: GPL-3.0-or-later
// The text of `postern-cli --help` and `postern-cli COMMAND --help`. docs/cli.md says the same
// at more length; keep the two in step.
#include "CommandLine.h"

namespace postern::cli {

namespace {

constexpr std::string_view kMainHelp = R"(usage: postern-cli [--store DIR] COMMAND [ARGS] [OPTIONS]

The offline Postern workstation without the GUI: accounts and keys, approval policy,
drafting, review, export of signed bundles for the uploader, and the audit log. It has no
network code; bundles and receipts cross the gap on removable media.

setup (admin):
  init --name WS --admin NAME   create the store, the workstation key and the first admin
  user add NAME --roles R,...   add a user (author, approver, operator, admin)
  user list                     users with roles, fingerprints and state
  user roles NAME R,...         replace a user's roles (publishes a policy version)
  user disable NAME             lock an account for good
  user rotate-key NAME          give a user a new key and passphrase
  passphrase change             change your own passphrase (same key)
  uploader trust FILE           trust the uploader's identity after comparing its fingerprint
  identity export FILE          write this workstation's identity for `postern-uploader trust`
  policy set FILE               set the approval rules per channel from a JSON file
  policy show                   the policy in force: users, roles, channels, rules
posts:
  draft new ...                 write a post (texts, options, media, schedule)
  draft edit POST ...           replace a draft's content with a new version
  submit POST                   send a draft for review (author)
  approve POST                  sign the current version (approver)
  reject POST --reason TEXT     send it back to the author (approver)
  list                          posts as a table (or --json)
  show POST                     everything about one post (or --json)
  check POST                    platform limits and OPSEC flags of the current version
orders (stop or delete a post that was already sent):
  order cancel POST --reason T  ask to stop a post not yet published (author, approver)
  order retract POST --reason T ask to delete it where published, and stop it elsewhere
  order cancel --bundle B ...   one order per post of an exported bundle (a lost drive)
  order approve ORDER           sign an order (approver; not the requester)
  order decline ORDER --reason T  refuse an order (approver)
  order withdraw ORDER          take back your own order before it is exported
  order list [POST]             orders as a table
  order show ORDER              one order: approvals per channel, bundle, results
transfer (operator):
  export --out FILE POST...     seal approved posts (and --order ORDER) into one bundle
  receipt import FILE           take in the uploader's receipt: published, failed, orders
audit:
  audit verify                  check the hash-chained, signed audit log
  audit list                    the newest audit entries
  backup DIR                    copy the store (database and media) into a new folder
  restore BACKUP --store NEWDIR make a new store from a backup
  opsec list                    the OPSEC rules in force (JSON, also a valid input file)
  opsec set FILE                replace the OPSEC rules from a JSON file (admin)
  profile import FILE           take in the uploader's signed platform profile (admin)
  profile show                  the live platform limits drafts are checked against

global options:
  --store DIR                 the store (default $POSTERN_STORE, else
                              $HOME/.local/share/postern)
  --as USER                   the user who acts; commands that change something need it
  --passphrase-file FILE      read the acting user's passphrase from the first line of FILE
                              instead of asking on the terminal (keep it 0600, on tmpfs)
  --new-passphrase-file FILE  init and user add: the new user's passphrase, instead of
                              asking twice on the terminal (12 characters or more)
  --kdf PROFILE               init and user add: Argon2id cost of the new key: interactive,
                              moderate (default) or sensitive
  --log-level LEVEL           trace, debug, info, warn (default), error, critical, off
  --log-file FILE             also log to FILE (rotated at 5 MiB, 3 files kept)
  --help                      this text; `postern-cli COMMAND --help` for one command
  --version                   print the version

POST is a post id or a unique prefix of at least 6 hex digits (`list` shows 12).

exit codes:
  0 ok                                  5 receipt imported, but posts failed there
  1 usage error (command line, input)   6 no store here, or no uploader trusted yet
  2 I/O or environment error            7 wrong passphrase or key problem
  3 refused by a rule: role, state, policy, self-approval, already exported,
    or a check failed (audit chain, receipt signature)

Errors go to stderr as `postern-cli: <what happened>`, often followed by
`postern-cli: hint: <what to do>`. See docs/cli.md for the full reference.
)";

constexpr std::string_view kInitHelp =
    R"(usage: postern-cli init --name WORKSTATION --admin NAME [--store DIR] [--kdf PROFILE]

Creates a new store (a private 0700 directory): the workstation's signing key, the first
admin account and approval policy version 1, signed by that admin. Refuses to touch a
directory that already holds a store.

The admin's passphrase comes from --new-passphrase-file (or --passphrase-file), or is asked
twice on the terminal; it must be at least 12 characters.

options:
  --name WORKSTATION  a name for this workstation, shown on the uploader (1-64 characters)
  --admin NAME        the first admin's user name
  --kdf PROFILE       Argon2id cost of the admin's key: interactive, moderate (default),
                      sensitive; higher is slower to unlock and harder to guess

Prints the workstation and admin fingerprints and the next steps: add users, trust the
uploader, export the identity, set the policy.
)";

constexpr std::string_view kUserHelp = R"(usage: postern-cli user add NAME --roles ROLE[,ROLE...] --as ADMIN
       postern-cli user list [--json]
       postern-cli user roles NAME ROLE[,ROLE...] --as ADMIN
       postern-cli user disable NAME --as ADMIN
       postern-cli user rotate-key NAME --as ADMIN [--new-passphrase-file FILE]

user add creates an account with its own Ed25519 key, sealed under the new user's
passphrase (--new-passphrase-file FILE, or asked twice on the terminal; 12 characters or
more), and publishes a new policy version that contains the user. Roles:
  author    writes, edits and submits posts
  approver  approves (signs) or rejects posts under review
  operator  exports bundles and imports receipts (holds a copy of the workstation key)
  admin     users, policy, key ceremony (holds a copy of the workstation key)
--kdf interactive|moderate|sensitive sets the cost of the new key (default moderate).

user list prints every user: name, roles, key fingerprint and whether the account is
disabled. No passphrase is needed. --json prints a JSON array instead.

user roles replaces a user's roles and publishes the next policy version. Losing approver
takes them off every channel's approver list (refused if a channel could then not reach its
required approvals); gaining operator or admin grants the workstation key. The last enabled
admin keeps the admin role, and nobody removes their own.

user disable locks an account for good (never your own, never the last admin) and publishes
a policy version without it. Its past audit entries and approvals still verify.

user rotate-key gives a user a new key under a new passphrase (lost passphrase, key
suspected compromised). The old account stays, disabled, renamed NAME (retired XXXX-XXXX);
the next policy version carries the new key. Approvals by the old key of posts not yet
exported no longer count: those posts go back to review.

Posts by a disabled, re-keyed or no-longer-author user that are in review go back to draft.
)";

constexpr std::string_view kPassphraseHelp =
    R"(usage: postern-cli passphrase change --as USER [--new-passphrase-file FILE]

Re-encrypts your own key under a new passphrase; the key and its fingerprint stay the same.
Asks for the current passphrase (or --passphrase-file FILE), then the new one twice (or
--new-passphrase-file FILE; 12 characters or more). --kdf sets the cost of the new sealing.
)";

constexpr std::string_view kUploaderHelp = R"(usage: postern-cli uploader trust FILE --as ADMIN [--fingerprint FP]

The workstation's half of the key ceremony. FILE is the uploader's identity file, made by
`postern-uploader init` (or `postern-uploader identity export FILE`) and carried here.
Prints the uploader's name and fingerprint; compare the fingerprint with the one the
uploader host printed, aloud or over a trusted channel. Confirm either by typing `yes` on
the terminal or, for scripts, with
  --fingerprint FP  exactly the uploader's fingerprint; a mismatch refuses (exit 3)

From then on bundles are encrypted to this uploader and only its receipts are accepted.
Trusting another uploader later replaces it.
)";

constexpr std::string_view kIdentityHelp = R"(usage: postern-cli identity export FILE --as ADMIN

Writes the workstation identity (its public signing key and the whole signed policy chain,
signed by the workstation key) to FILE, mode 0644; it holds no secret. Carry it to the
uploader host once and run `postern-uploader trust FILE` there, comparing the printed
fingerprint aloud. Later policy versions reach the uploader inside bundles.
)";

constexpr std::string_view kPolicyHelp = R"(usage: postern-cli policy set FILE --as ADMIN
       postern-cli policy show

policy set replaces the per-channel approval rules with those in FILE and signs the new
policy version. FILE is JSON written by hand; unknown or repeated fields are refused:

  {"channels": [
    {"channel": "outbox:press", "required": 2, "approvers": ["bob", "carol"],
     "max_lifetime": "24h"},
    {"channel": "mastodon:@press@social.example", "required": 1,
     "approvers": ["bob"]}
  ]}

  channel       PLATFORM:ACCOUNT; platforms are outbox, bluesky, mastodon, tiktok, x
  required      how many distinct approvers must approve a post for this channel
  approvers     user names with the approver role who may approve for it
  max_lifetime  longest a bundle for this channel may live: seconds (3600) or "90m",
                "24h", "7d"; 1m to 30d; default "24h"

A post can only be submitted if every channel it names has a rule. Users and roles are
not in FILE: they come from `user add`.

policy show prints the policy in force: version, users with roles and fingerprints, and
each channel's rule. No passphrase is needed.
)";

constexpr std::string_view kDraftHelp = R"(usage: postern-cli draft new  --as AUTHOR FLAGS...
       postern-cli draft edit POST --as AUTHOR FLAGS...

draft new creates a post and prints its id; draft edit replaces the whole content of a
post with a new version, which takes the post back to draft and voids every approval of
the old version. Edit takes the same full set of flags as new: give every channel, text,
option and media again; nothing is carried over from the old version.

flags:
  --channel PLATFORM:ACCOUNT        a target channel; repeat for several (at least one)
  --text TEXT                       the text for every channel
  --text-file FILE                  the same, read from FILE (one final newline dropped)
  --channel-text PLATFORM:ACCOUNT=FILE
                                    this channel's own text instead of the shared one
  --option PLATFORM:ACCOUNT.KEY=VALUE
                                    a platform option, e.g.
                                      mastodon:@press@social.example.visibility=public
                                      tiktok:press.privacy_level=SELF_ONLY
                                    true/false become booleans for mastodon sensitive and
                                    tiktok disable_comment, disable_duet, disable_stitch,
                                    is_aigc, brand_content_toggle, brand_organic_toggle
  --media FILE                      attach an image or video (JPEG, PNG, WebP, GIF, MP4,
                                    MOV, WebM; type from the extension); repeatable
  --alt TEXT                        alt text of the --media just before it
  --schedule 2027-01-01T09:30Z      publish time, UTC; default: as soon as it arrives

A text is needed for every channel: --text/--text-file, or --channel-text per channel.
Limits per platform are checked when the post is saved.

example:
  postern-cli draft new --as alice --channel outbox:press --text "Open day on Saturday" \
      --media poster.png --alt "Poster: open day, 10:00 to 16:00"
)";

constexpr std::string_view kSubmitHelp = R"(usage: postern-cli submit POST --as AUTHOR

Sends the author's draft for review. Every channel of the post must have a rule in the
policy, a scheduled time must still be in the future, and the post must fit every channel's
platform limits (limit-exceeded lists what to fix; `postern-cli check POST` shows it too).
)";

constexpr std::string_view kCheckHelp = R"(usage: postern-cli check POST

Checks the current version against each channel's platform limits (text length as the
platform counts it, attachment count, types and sizes, alt text, required options) and runs
the OPSEC rules over its texts and alt texts. Exit code 0 when it fits, 3 when a limit is
broken; OPSEC flags are for the reviewer and do not change the exit code.
)";

constexpr std::string_view kOpsecHelp = R"(usage: postern-cli opsec list
       postern-cli opsec set FILE --as ADMIN

OPSEC rules flag texts for the reviewer: grid references, phone numbers, e-mail addresses
and code words by default. `list` prints the rules in force as JSON; `set` replaces them
(admin only, audited). The file:

  {"version": 1, "rules": [
    {"id": "code-words", "name": "Code words", "kind": "words",
     "pattern": "nightjar, blue heron", "enabled": true},
    {"id": "email", "name": "E-mail address", "kind": "regex",
     "pattern": "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}", "enabled": true}]}

kind is "regex" (PCRE2) or "words" (comma- or newline-separated, whole words, any case).
Start from `postern-cli opsec list`. See docs/compose.md for the checks and defaults.
)";

constexpr std::string_view kProfileHelp = R"(usage: postern-cli profile import FILE --as ADMIN
       postern-cli profile show

A platform profile is the uploader's signed, dated list of each account's live limits (a
Mastodon instance's character and media limits, a TikTok creator's privacy options and
disabled interactions), written by `postern-uploader profile export FILE`. `import` checks
it against the trusted uploader's key and stores it (admin only, audited); an older, expired
or foreign profile is refused. From then on `check`, `submit` and the composer judge drafts
by its limits until it expires (30 days by default); `show` prints it and says when it has
expired or no longer verifies. See docs/compose.md, "Platform profiles".
)";

constexpr std::string_view kApproveHelp = R"(usage: postern-cli approve POST --as APPROVER

Signs the current version of a post under review with the approver's key. The approver must
be allowed by the policy for at least one of the post's channels and must not be its author.
When every channel has the approvals it needs, the post becomes approved. Any later edit
voids the approval.
)";

constexpr std::string_view kRejectHelp = R"(usage: postern-cli reject POST --as APPROVER --reason TEXT

Sends a post under review back to its author with a reason (required; the author sees it in
`postern-cli show`). The author revises it with `postern-cli draft edit` and submits again.
)";

constexpr std::string_view kListHelp =
    R"(usage: postern-cli list [--state STATE] [--channel TEXT] [--search TEXT] [--limit N] [--json]

Lists posts, most recently changed first: id (first 12 hex digits), state, channels,
author, schedule ("on arrival" when none), last change and title.

options:
  --state STATE   draft, in_review, approved, rejected, exported, published or failed
  --channel TEXT  only posts whose channels contain TEXT (e.g. outbox: or press)
  --search TEXT   only posts whose title (first 120 characters) contains TEXT,
                  ignoring ASCII case
  --limit N       at most N posts (default 100, at most 10000)
  --json          one JSON array of objects with full ids, for scripts
)";

constexpr std::string_view kShowHelp = R"(usage: postern-cli show POST [--json]

Prints everything about a post: state, version, author, schedule, who approved the current
version and what is still missing, per channel the text and options, media (name, type,
size, hash, alt text), rejections with reasons, the publishing results the uploader
reported, with URLs, and its cancel and retract orders. --json prints one JSON object
instead (without the orders: `postern-cli order list POST`).
)";

constexpr std::string_view kExportHelp =
    R"(usage: postern-cli export --as OPERATOR --out FILE [--lifetime 24h]
                          (POST... [--order ORDER]... | --all-approved)

Seals approved posts, their media and approvals, and approved cancel and retract orders with
theirs, into one bundle, signed by the workstation and encrypted to the trusted uploader, and
marks them exported: a version or an order is exported once. The file is written atomically
and read back before anything is marked. A bundle may carry orders only.

options:
  --out FILE       where to write the bundle, e.g. on removable media; never overwritten
  --lifetime TIME  how long the uploader accepts the bundle: seconds or 90m, 24h, 7d
                   (default 24h; at most each channel's max_lifetime in the policy)
  --order ORDER    also carry this approved order (id or a 6+ digit prefix); repeatable
  --all-approved   export every approved post and every approved order instead of naming
                   them (an order should not wait for another trip across the gap)

A post and an order about it cannot travel in the same bundle.

Prints the bundle id, sequence, size and fingerprint, and a checklist for carrying it.
)";

constexpr std::string_view kReceiptHelp = R"(usage: postern-cli receipt import FILE --as OPERATOR

Reads the signed receipt that `postern-uploader publish` wrote next to the bundle
(BUNDLE.receipt), checks it was signed by the trusted uploader, and marks each post
published (with its URL) or failed (with the reason). Orders the bundle carried become done,
partly_failed or failed, and their posts cancelled or retracted on each channel where the
uploader carried them out. Prints the outcome per post and channel and per order and
channel. Exit 5 when the receipt reports failures (posts or orders) or a rejected bundle.
)";

constexpr std::string_view kOrderHelp =
    R"(usage: postern-cli order cancel  POST [--channel C]... --reason TEXT --as USER
       postern-cli order retract POST [--channel C]... --reason TEXT --as USER
       postern-cli order cancel|retract --bundle BUNDLE --reason TEXT --as USER
       postern-cli order approve  ORDER --as APPROVER
       postern-cli order decline  ORDER --reason TEXT --as APPROVER
       postern-cli order withdraw ORDER --as REQUESTER
       postern-cli order list [POST] [--state STATE]
       postern-cli order show ORDER

An order is a signed instruction about a post that already left in a bundle. cancel stops it
where it is not published yet (scheduled, or still pending at the uploader); retract also
deletes it where it was published and the platform allows deletion. Orders pass review like
posts: every channel needs its policy's approvals, and the requester cannot approve their own.

cancel, retract  need the author or approver role. Without --channel the order covers every
                 channel the post was sent to that it can still change (for cancel: not yet
                 published). A cancel of channels that are all published is refused: use
                 retract. A post that was never exported needs no order.
--bundle BUNDLE  revokes a whole exported bundle (a lost drive, a bundle sent by mistake):
                 one order per post it carried, each on every channel it can still change;
                 a post the order cannot reach is listed as skipped. BUNDLE is the 32-digit
                 id `export` printed. If the bundle reaches the uploader after the orders,
                 its posts are not published there.
approve          signs the order; once every channel has its approvals it is approved and an
                 operator sends it with `export --all-approved` or `export --order ORDER`.
decline          ends it with a reason the requester sees (approvers of its channels).
withdraw         the requester takes it back; not possible once exported.
list, show       need no passphrase. STATE: pending, approved, declined, withdrawn, exported,
                 done, partly_failed, failed.

After the receipt of the bundle that carried it is imported, `order show` lists the result per
channel (cancelled, retracted or failed with the uploader's reason).

example:
  postern-cli order retract 3f9a2c --channel mastodon:@press@social.example \
      --reason "Wrong date in the text" --as alice
  postern-cli order approve 8c41d0 --as bob
)";

constexpr std::string_view kAuditHelp = R"(usage: postern-cli audit verify
       postern-cli audit list [--limit N]

Every action (login, users, policy, drafts, reviews, exports, receipts) is an entry in a
hash-chained log, each signed by the user who acted.

audit verify walks the whole chain and prints OK with the number of entries and the head
hash; if an entry was edited, deleted, reordered or inserted it names the first bad entry
and exits 3.
audit list prints the newest N entries (default 20): sequence, time, who, action, subject.
)";

constexpr std::string_view kBackupHelp = R"(usage: postern-cli backup DIR

Copies the store into DIR, a new folder: postern.db through SQLite's online backup (a
consistent copy even while the GUI has the store open) and every media file, each checked
against its hash as it is copied. The copy is then opened and checked like a store. Nothing
in the store changes and no passphrase is needed: keys stay sealed as they are in the store.
The store is the team's record of what was approved and published: back it up after every
export, onto a medium kept apart from the workstation.
)";

constexpr std::string_view kRestoreHelp = R"(usage: postern-cli restore BACKUP --store NEWDIR

Makes a new store in NEWDIR (which must not exist) from a backup made by `backup`: checks the
backup's database (SQLite quick_check, a workstation record), copies it, and copies every
media file it names, checking each against its hash. The backup is only read. Then run
`postern-cli audit verify --store NEWDIR`. A damaged store is never written over: restore into
a new folder, keep the damaged one for inspection, and point the GUI or --store at the new one.
)";

struct HelpEntry
{
    std::string_view group;
    std::string_view text;
};

constexpr HelpEntry kHelp[] = {
    {"init", kInitHelp},         {"user", kUserHelp},         {"passphrase", kPassphraseHelp},
    {"uploader", kUploaderHelp}, {"identity", kIdentityHelp}, {"policy", kPolicyHelp},
    {"draft", kDraftHelp},       {"submit", kSubmitHelp},     {"approve", kApproveHelp},
    {"reject", kRejectHelp},     {"list", kListHelp},         {"show", kShowHelp},
    {"export", kExportHelp},     {"receipt", kReceiptHelp},   {"audit", kAuditHelp},
    {"check", kCheckHelp},       {"opsec", kOpsecHelp},       {"profile", kProfileHelp},
    {"order", kOrderHelp},       {"backup", kBackupHelp},     {"restore", kRestoreHelp},
};

} // namespace

std::string_view mainHelp()
{
    return kMainHelp;
}

std::optional<std::string_view> commandHelp(std::string_view group)
{
    for (const auto& h : kHelp) {
        if (h.group == group)
            return h.text;
    }
    return std::nullopt;
}

} // namespace postern::cli
