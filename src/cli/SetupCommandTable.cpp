// SPDX-License-Identifier: GPL-3.0-or-later
// Setup commands in the command table: what each accepts, how `--help` shows it, what runs it.
#include "CommandTable.h"
#include "PlatformWords.h"
#include "Session.h"

namespace postern::cli {

namespace {

constexpr const char* kSetup = "setup (admin)";

} // namespace

void addSetupCommands(Registry& r)
{
    r.add({"init",
           {"init --name WORKSTATION --admin NAME [--store DIR] [--kdf PROFILE]"},
           {{"name", "WORKSTATION", "a name for this workstation, shown on the uploader (1-64 characters)"},
            {"admin", "NAME", "the first admin's user name"}},
           kSetup,
           {{"init --name WS --admin NAME", "create the store, the workstation key and the first admin"}}},
          runInit);
    r.describe({"init",
                R"(Creates a new store (a private 0700 directory): the workstation's signing key, the first
admin account and approval policy version 1, signed by that admin. Refuses to touch a
directory that already holds a store.

The admin's passphrase comes from --new-passphrase-file (or --passphrase-file), or is asked
twice on the terminal; it must be at least 12 characters. --kdf PROFILE sets the Argon2id
cost of the admin's key: interactive, moderate (default) or sensitive; higher is slower to
unlock and harder to guess.
)",
                R"(Prints the workstation and admin fingerprints and the next steps: add users, trust the
uploader, export the identity, set the policy.
)"});

    r.add({"user add",
           {"user add NAME --roles ROLE[,ROLE...] --as ADMIN"},
           {{"roles", "ROLE[,ROLE...]", "user add: the new user's roles, comma-separated"}},
           kSetup,
           {{"user add NAME --roles R,...", "add a user (author, approver, operator, admin)"}}},
          runUser);
    r.add({"user list",
           {"user list [--json]"},
           {{"json", "", "user list: one JSON array instead of the table"}},
           kSetup,
           {{"user list", "users with roles, fingerprints and state"}}},
          runUser);
    r.add({"user roles",
           {"user roles NAME ROLE[,ROLE...] --as ADMIN"},
           {},
           kSetup,
           {{"user roles NAME R,...", "replace a user's roles (publishes a policy version)"}}},
          runUser);
    r.add({"user disable",
           {"user disable NAME --as ADMIN"},
           {},
           kSetup,
           {{"user disable NAME", "lock an account for good"}}},
          runUser);
    r.add({"user rotate-key",
           {"user rotate-key NAME --as ADMIN [--new-passphrase-file FILE]"},
           {},
           kSetup,
           {{"user rotate-key NAME", "give a user a new key and passphrase"}}},
          runUser);
    r.describe({"user",
                R"(user add creates an account with its own Ed25519 key, sealed under the new user's
passphrase (--new-passphrase-file FILE, or asked twice on the terminal; 12 characters or
more), and publishes a new policy version that contains the user. Roles:
  author    writes, edits and submits posts
  approver  approves (signs) or rejects posts under review
  operator  exports bundles and imports receipts (holds a copy of the workstation key)
  admin     users, policy, key ceremony (holds a copy of the workstation key)
--kdf interactive|moderate|sensitive sets the cost of the new key (default moderate).

user list prints every user: name, roles, key fingerprint and whether the account is
disabled. No passphrase is needed.

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
)",
                "Posts by a disabled, re-keyed or no-longer-author user that are in review go back to draft.\n"});

    r.add({"passphrase change",
           {"passphrase change --as USER [--new-passphrase-file FILE]"},
           {},
           kSetup,
           {{"passphrase change", "change your own passphrase (same key)"}}},
          runPassphrase);
    r.describe({"passphrase",
                R"(Re-encrypts your own key under a new passphrase; the key and its fingerprint stay the same.
Asks for the current passphrase (or --passphrase-file FILE), then the new one twice (or
--new-passphrase-file FILE; 12 characters or more). --kdf sets the cost of the new sealing.
)"});

    r.add({"uploader trust",
           {"uploader trust FILE --as ADMIN [--fingerprint FP]"},
           {{"fingerprint",
             "FP",
             "confirm without a terminal (scripts): exactly the uploader's fingerprint; a mismatch refuses (exit 3)"}},
           kSetup,
           {{"uploader trust FILE", "trust the uploader's identity after comparing its fingerprint"}}},
          runUploader);
    r.describe({"uploader",
                R"(The workstation's half of the key ceremony. FILE is the uploader's identity file, made by
`postern-uploader init` (or `postern-uploader identity export FILE`) and carried here.
Prints the uploader's name and fingerprint; compare the fingerprint with the one the
uploader host printed, aloud or over a trusted channel. Confirm either by typing `yes` on
the terminal or, for scripts, with --fingerprint.
)",
                R"(From then on bundles are encrypted to this uploader and only its receipts are accepted.
Trusting another uploader later replaces it.
)"});

    r.add({"identity export",
           {"identity export FILE --as ADMIN"},
           {},
           kSetup,
           {{"identity export FILE", "write this workstation's identity for `postern-uploader trust`"}}},
          runIdentity);
    r.describe({"identity",
                R"(Writes the workstation identity (its public signing key and the whole signed policy chain,
signed by the workstation key) to FILE, mode 0644; it holds no secret. Carry it to the
uploader host once and run `postern-uploader trust FILE` there, comparing the printed
fingerprint aloud. Later policy versions reach the uploader inside bundles.
)"});

    r.add({"policy set",
           {"policy set FILE --as ADMIN"},
           {},
           kSetup,
           {{"policy set FILE", "set the approval rules per channel from a JSON file"}}},
          runPolicy);
    r.add({"policy show",
           {"policy show"},
           {},
           kSetup,
           {{"policy show", "the policy in force: users, roles, channels, rules"}}},
          runPolicy);
    r.describe({"policy",
                R"(policy set replaces the per-channel approval rules with those in FILE and signs the new
policy version. FILE is JSON written by hand; unknown or repeated fields are refused:

  {"channels": [
    {"channel": "outbox:press", "required": 2, "approvers": ["bob", "carol"],
     "max_lifetime": "24h"},
    {"channel": "mastodon:@press@social.example", "required": 1,
     "approvers": ["bob"]}
  ]}

)"
                "  channel       PLATFORM:ACCOUNT; platforms are " + platformNameList() + "\n" +
                R"(  required      how many distinct approvers must approve a post for this channel
  approvers     user names with the approver role who may approve for it
  max_lifetime  longest a bundle for this channel may live: seconds (3600) or "90m",
                "24h", "7d"; 1m to 30d; default "24h"

A post can only be submitted if every channel it names has a rule. Users and roles are
not in FILE: they come from `user add`.

policy show prints the policy in force: version, users with roles and fingerprints, and
each channel's rule. No passphrase is needed.
)"});
}

} // namespace postern::cli
