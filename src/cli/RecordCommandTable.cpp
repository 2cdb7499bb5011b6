// SPDX-License-Identifier: GPL-3.0-or-later
// Transfer, audit, backup and rule commands in the command table: what each accepts, how
// `--help` shows it, what runs it.
#include "CommandTable.h"
#include "Session.h"

namespace postern::cli {

namespace {

constexpr const char* kTransfer = "transfer (operator)";
constexpr const char* kAudit = "audit";

void addTransfer(Registry& r)
{
    r.add({"export",
           {"export --as OPERATOR --out FILE [--lifetime 24h]\n"
            "                          (POST... [--order ORDER]... | --all-approved)"},
           {{"out", "FILE", "where to write the bundle, e.g. on removable media; never overwritten"},
            {"lifetime",
             "TIME",
             "how long the uploader accepts the bundle: seconds or 90m, 24h, 7d (default 24h; at most each "
             "channel's max_lifetime in the policy)"},
            {"order", "ORDER", "also carry this approved order (id or a 6+ digit prefix)", true},
            {"all-approved",
             "",
             "export every approved post and every approved order instead of naming them (an order should not "
             "wait for another trip across the gap)"}},
           kTransfer,
           {{"export --out FILE POST...", "seal approved posts (and --order ORDER) into one bundle"}}},
          runExport);
    r.describe({"export",
                R"(Seals approved posts, their media and approvals, and approved cancel and retract orders with
theirs, into one bundle, signed by the workstation and encrypted to the trusted uploader, and
marks them exported: a version or an order is exported once. The file is written atomically
and read back before anything is marked. A bundle may carry orders only.
)",
                R"(A post and an order about it cannot travel in the same bundle.

Prints the bundle id, sequence, size and fingerprint, and a checklist for carrying it.
)"});
    r.add({"receipt import",
           {"receipt import FILE --as OPERATOR"},
           {},
           kTransfer,
           {{"receipt import FILE", "take in the uploader's receipt: published, failed, orders"}}},
          runReceipt);
    r.describe({"receipt",
                R"(Reads the signed receipt that `postern-uploader publish` wrote next to the bundle
(BUNDLE.receipt), checks it was signed by the trusted uploader, and marks each post
published (with its URL) or failed (with the reason). Orders the bundle carried become done,
partly_failed or failed, and their posts cancelled or retracted on each channel where the
uploader carried them out. Prints the outcome per post and channel and per order and
channel. Exit 5 when the receipt reports failures (posts or orders) or a rejected bundle.
)"});
}

void addAudit(Registry& r)
{
    r.add(
        {"audit verify", {"audit verify"}, {}, kAudit, {{"audit verify", "check the hash-chained, signed audit log"}}},
        runAudit);
    r.add({"audit list",
           {"audit list [--limit N]"},
           {{"limit", "N", "audit list: the newest N entries (default 20)"}},
           kAudit,
           {{"audit list", "the newest audit entries"}}},
          runAudit);
    r.describe({"audit",
                R"(Every action (login, users, policy, drafts, reviews, exports, receipts) is an entry in a
hash-chained log, each signed by the user who acted.

audit verify walks the whole chain and prints OK with the number of entries and the head
hash; if an entry was edited, deleted, reordered or inserted it names the first bad entry
and exits 3.
audit list prints the newest entries: sequence, time, who, action, subject.
)"});

    r.add({"backup",
           {"backup DIR"},
           {},
           kAudit,
           {{"backup DIR", "copy the store (database and media) into a new folder"}}},
          runBackup);
    r.describe({"backup",
                R"(Copies the store into DIR, a new folder: postern.db through SQLite's online backup (a
consistent copy even while the GUI has the store open) and every media file, each checked
against its hash as it is copied. The copy is then opened and checked like a store. Nothing
in the store changes and no passphrase is needed: keys stay sealed as they are in the store.
The store is the team's record of what was approved and published: back it up after every
export, onto a medium kept apart from the workstation.
)"});
    r.add({"restore",
           {"restore BACKUP --store NEWDIR"},
           {},
           kAudit,
           {{"restore BACKUP --store NEWDIR", "make a new store from a backup"}}},
          runRestore);
    r.describe({"restore",
                R"(Makes a new store in NEWDIR (which must not exist) from a backup made by `backup`: checks the
backup's database (SQLite quick_check, a workstation record), copies it, and copies every
media file it names, checking each against its hash. The backup is only read. Then run
`postern-cli audit verify --store NEWDIR`. A damaged store is never written over: restore into
a new folder, keep the damaged one for inspection, and point the GUI or --store at the new one.
)"});
}

void addRules(Registry& r)
{
    r.add({"opsec list",
           {"opsec list"},
           {},
           kAudit,
           {{"opsec list", "the OPSEC rules in force (JSON, also a valid input file)"}}},
          runOpsec);
    r.add({"opsec set",
           {"opsec set FILE --as ADMIN"},
           {},
           kAudit,
           {{"opsec set FILE", "replace the OPSEC rules from a JSON file (admin)"}}},
          runOpsec);
    r.describe({"opsec",
                R"(OPSEC rules flag texts for the reviewer: grid references, phone numbers, e-mail addresses
and code words by default. `list` prints the rules in force as JSON; `set` replaces them
(admin only, audited). The file:

  {"version": 1, "rules": [
    {"id": "code-words", "name": "Code words", "kind": "words",
     "pattern": "nightjar, blue heron", "enabled": true},
    {"id": "email", "name": "E-mail address", "kind": "regex",
     "pattern": "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}", "enabled": true}]}

kind is "regex" (PCRE2) or "words" (comma- or newline-separated, whole words, any case).
Start from `postern-cli opsec list`. See docs/compose.md for the checks and defaults.
)"});

    r.add({"profile import",
           {"profile import FILE --as ADMIN"},
           {},
           kAudit,
           {{"profile import FILE", "take in the uploader's signed platform profile (admin)"}}},
          runProfile);
    r.add({"profile show",
           {"profile show"},
           {},
           kAudit,
           {{"profile show", "the live platform limits drafts are checked against"}}},
          runProfile);
    r.describe({"profile",
                R"(A platform profile is the uploader's signed, dated list of each account's live limits (a
Mastodon instance's character and media limits, a TikTok creator's privacy options and
disabled interactions), written by `postern-uploader profile export FILE`. `import` checks
it against the trusted uploader's key and stores it (admin only, audited); an older, expired
or foreign profile is refused. From then on `check`, `submit` and the composer judge drafts
by its limits until it expires (30 days by default); `show` prints it and says when it has
expired or no longer verifies. See docs/compose.md, "Platform profiles".
)"});
}

} // namespace

void addRecordCommands(Registry& r)
{
    addTransfer(r);
    addAudit(r);
    addRules(r);
}

} // namespace postern::cli
