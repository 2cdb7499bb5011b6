// SPDX-License-Identifier: GPL-3.0-or-later
// postern-uploader's command table: every command, what it accepts, how `--help` shows it and
// what runs it. docs/uploader.md says the same at more length; keep the two in step.
#include "CommandTable.h"

#include "postern/clikit/Help.h"
#include "postern/clikit/Parser.h"
#include "postern/uploader/platforms/PlatformAdapters.h"

#include "Commands.h"

namespace postern::uploader::cli {

namespace {

constexpr const char* kCommands = "commands";

/** What each exit code means, for the help; the numbers come from ExitCode itself. */
const std::pair<ExitCode, std::string_view> kExitCodeMeanings[] = {
    {ExitCode::Ok, "ok"},
    {ExitCode::Usage, "usage error"},
    {ExitCode::Environment, "I/O or environment error"},
    {ExitCode::Rejected, "bundle rejected by verification"},
    {ExitCode::Replay, "replay: the bundle was already processed"},
    {ExitCode::SomeFailed, "published, but some targets failed"},
    {ExitCode::NotReady, "not initialised, or workstation not trusted"},
    {ExitCode::KeyProblem, "wrong passphrase or key problem"},
};

const clikit::OptionSpec kMaxSize{"max-size", "BYTES", "refuse bundles larger than BYTES (default 64 GiB)"};

/** adapterPlatforms names the platforms with an adapter: "bluesky, mastodon, tiktok and x". */
std::string adapterPlatforms()
{
    const auto platforms = PlatformAdapters::platforms();
    std::string s;
    for (std::size_t i = 0; i < platforms.size(); ++i) {
        if (i > 0)
            s += i + 1 == platforms.size() ? " and " : ", ";
        s += domain::platformName(platforms[i]);
    }
    return s;
}

clikit::ProgramSpec program()
{
    clikit::ProgramSpec p;
    p.name = "postern-uploader";
    p.version = "0.1.0";
    p.usage = "[--home DIR] COMMAND [ARGS] [OPTIONS]";
    // The platforms come from the adapter table, so the help names every one that has an adapter.
    p.description =
        clikit::wrap("Publishes bundles exported by an offline Postern workstation, exactly once, and writes "
                     "signed receipts for the workstation. It publishes to `outbox` channels (one folder "
                     "per post and channel) and, through the account added for the channel with `account "
                     "add`, to "
                         + adapterPlatforms() + " channels.",
                     0,
                     92)
        + "\n";
    p.globals = {
        {"home", "DIR", "uploader home (default $POSTERN_UPLOADER_HOME, else $HOME/.local/share/postern-uploader)"},
        {"passphrase-file",
         "FILE",
         "read the key passphrase from the first line of FILE instead of asking on the terminal (keep FILE 0600, "
         "ideally on tmpfs)"},
        {"log-level", "LEVEL", "trace, debug, info, warn (default), error, critical, off"},
        {"log-file",
         "FILE",
         "also log to FILE (rotated at 10 MiB, 5 files kept; `watch` logs to <home>/log/postern-uploader.log unless "
         "given)"},
        {"help", "", "this text; `postern-uploader COMMAND --help` for one command"},
        {"version", "", "print the version"},
    };
    std::vector<std::pair<std::string, std::string>> codes;
    for (const auto& [code, meaning] : kExitCodeMeanings)
        codes.emplace_back(std::to_string(exitStatus(code)), std::string(meaning));
    p.epilogue = clikit::table("exit codes", codes)
                 + "\nErrors go to stderr as `postern-uploader: <what happened>`, often followed by\n"
                   "`postern-uploader: hint: <what to do>`. See docs/uploader.md for the full guide.\n";
    return p;
}

void addSetup(Registry& r)
{
    r.add({"init",
           {"init --name NAME [--outbox DIR] [--kdf PROFILE]"},
           {{"name", "NAME", "a name for this uploader, shown on the workstation (1-64 bytes)"},
            {"outbox", "DIR", "where outbox channels write their folders (default <home>/outbox)"},
            {"kdf",
             "PROFILE",
             "Argon2id cost for the key files: interactive, moderate (default) or sensitive; higher is slower to "
             "unlock and harder to guess"}},
           kCommands,
           {{"init --name NAME", "create the uploader's keys, ledger and identity file"}}},
          runInit);
    r.describe({"init",
                R"(Creates the uploader home: an X25519 key (bundles are encrypted to it) and an Ed25519 key
(it signs receipts), both sealed under one passphrase; the ledger; and the identity file
uploader-identity.postern. Refuses to touch a home that is already initialised.

The passphrase is asked twice on the terminal (or read once from --passphrase-file) and
must be at least 12 characters.
)",
                R"(Afterwards carry the identity file to the workstation and read the printed fingerprint
aloud to the workstation admin, who must see the same one.
)"});
    r.add({"identity",
           {"identity export FILE"},
           {},
           kCommands,
           {{"identity export FILE", "copy the identity file to FILE (to carry to the workstation)"}}},
          runIdentity);
    r.describe({"identity",
                R"(Writes a copy of this uploader's identity file (public keys, self-signed) to FILE, for
example on removable media for the key ceremony. It holds no secret.
)"});
    r.add({"trust",
           {"trust FILE [--fingerprint FP]"},
           {{"fingerprint",
             "FP",
             "confirm without a terminal (scripts): exactly the printed fingerprint (e.g. 7K3M-Q9XD-...); a "
             "mismatch refuses"}},
           kCommands,
           {{"trust FILE", "trust a workstation identity after comparing its fingerprint"}}},
          runTrust);
    r.describe({"trust",
                R"(Reads a workstation identity file, checks its signature and its whole policy chain, prints
the workstation's name, fingerprint, policy version, users with roles and channels with
their rules, and asks you to confirm. Compare the fingerprint with the workstation admin,
out loud or over a trusted channel, before you confirm: type `yes` on the terminal or, for
scripts, pass --fingerprint.
)",
                R"(Trusting a known workstation again stores its newer policy versions, but only if they
follow the versions already trusted (signed by the previous admins); a different chain for
the same key is refused as policy-fork.
)"});
    r.add({"account",
           {"account add CHANNEL --handle HANDLE [--service URL] SECRET", "account list", "account remove CHANNEL"},
           {{"handle", "HANDLE", "the account's handle, DID or user name (shown in lists and URLs)"},
            {"service",
             "URL",
             "the API's base URL: Bluesky the PDS (e.g. https://bsky.social), Mastodon the instance (e.g. "
             "https://mastodon.social); TikTok and X default to https://open.tiktokapis.com and https://api.x.com. "
             "Plain http:// is accepted only for this host (tests)"},
            {"app-password-file",
             "F",
             "SECRET for Bluesky: first line is an app password (Settings > Privacy and security > App passwords). "
             "Never your main password"},
            {"token-file",
             "F",
             "SECRET for Mastodon: first line is an access token with the scopes write:statuses, write:media, "
             "read:statuses and read:accounts (Preferences > Development > New application)"},
            {"credentials-file",
             "F",
             "SECRET for TikTok and X: the JSON answer of the OAuth token endpoint (access_token, refresh_token, "
             "expires_in, ...) with \"client_id\" and, for confidential clients, \"client_secret\" added"}},
           kCommands,
           {{"account add|list|remove", "platform accounts (credentials stay on this host, sealed)"}}},
          runAccount);
    r.describe({"account",
                R"(Platform accounts used to publish a channel. CHANNEL is the channel as the workstation's
policy names it, e.g. bluesky:press.example.org or mastodon:press@social.example. SECRET is
one of the three file options below (each a file, mode 0600, that you can delete afterwards).
)",
                R"(Secrets and session tokens are sealed (libsodium secretbox) under the host key
<home>/keys/host.key (0600, made on first use) and stored in the ledger; they are never
printed or logged. Sessions and tokens are reused and refreshed (a rotated refresh token is
stored before it is used). Needs no passphrase.
)"});
}

void addPublishing(Registry& r)
{
    r.add({"verify",
           {"verify BUNDLE [--max-size BYTES]"},
           {kMaxSize},
           kCommands,
           {{"verify BUNDLE", "check a bundle completely without consuming it"}}},
          runVerify);
    r.describe({"verify",
                R"(Runs every check a bundle must pass (size, format, workstation signature, recipient, age,
replay, decryption, manifest, media hashes, policy chain, approvals) and prints a summary:
bundle id, workstation, sequence, creation and expiry, posts with channels and approvers,
media. Nothing is consumed or recorded: publish the same file afterwards.
)"});
    r.add({"publish",
           {"publish BUNDLE [--keep] [--receipt FILE] [--max-size BYTES]"},
           {{"keep", "", "keep the bundle file after publishing"},
            {"receipt", "FILE", "where to write the receipt (default BUNDLE.receipt)"},
            kMaxSize},
           kCommands,
           {{"publish BUNDLE", "verify, publish and write the signed receipt"}}},
          runPublish);
    r.describe({"publish",
                R"(Finishes any interrupted work first, then verifies BUNDLE (as `verify` does), records it in
the ledger so it can never be used again, and publishes every post on every channel:
  outbox channels   a folder <outbox>/<bundle-id>/<post>-<channel>/ with post.json,
                    text.txt, media-<k>.<ext> and media-<k>.alt.txt
)" + std::string("  other channels    ")
                    + clikit::wrap("a post through the account added with `account add`: " + adapterPlatforms(), 20, 92)
                    + R"(
Then it writes a signed receipt for the workstation and overwrites and removes BUNDLE.

A bundle this uploader already answered (published or refused) is answered from the ledger
before any other check, and its receipt is never written over (`receipt` writes it again).
If the bundle is rejected nothing is published and BUNDLE is kept; when the workstation's
signature on it was valid a receipt naming the error is written and the refusal is final:
this uploader never publishes that bundle. A copy that is incomplete, padded, or larger than
--max-size is not refused: no receipt is written and a good copy can still be published.
A file already at the receipt's path is never overwritten: move it away or use --receipt.
)",
                R"(exit codes: 0 all published, 3 rejected, 4 already processed (replay), 5 some targets
failed, 2 interrupted by an I/O problem (fix it, then run `postern-uploader resume`).
)"});
    r.add({"receipt",
           {"receipt BUNDLE|BUNDLE-ID --out FILE"},
           {{"out", "FILE", "where to write the receipt (a new file)"}},
           kCommands,
           {{"receipt BUNDLE --out F", "write the receipt already given for a bundle again, unchanged"}}},
          runReceipt);
    r.describe({"receipt",
                R"(Writes the receipt this uploader already gave for a bundle (published or refused) to FILE
again, byte for byte, as kept in the ledger. For when the first receipt file was lost: a
receipt is never written over, and a bundle is never answered twice with different words.
BUNDLE is the bundle file (only its header is read) or its 32-digit id. FILE must not exist.
)"});
}

void addService(Registry& r)
{
    r.add({"resume",
           {"resume"},
           {},
           kCommands,
           {{"resume", "lift a suspension, publish what is pending and due, write receipts"}}},
          runResume);
    r.describe({"resume",
                R"(Lifts a suspension (`suspend`), then publishes every target a crash, an I/O error or a
suspension left pending and every scheduled post whose time has come, and writes the
receipts of bundles whose targets are all answered. Scheduled posts not yet due keep
waiting. While `watch` runs, resume only lifts the suspension; watch does the rest. A target
whose outbox folder already exists is marked done without writing it again; a target that
was sent (or got no answer) is first looked up on its platform and only published if it is
not there. `publish` runs this first on its own.
Asks for the passphrase only if there is work to do.
)"});
    r.add({"suspend",
           {"suspend [--reason TEXT]"},
           {{"reason", "TEXT", "why, for the record (shown by status and in the ledger's events)"}},
           kCommands,
           {{"suspend [--reason TEXT]", "stop all publishing until `resume`"}}},
          runSuspend);
    r.describe({"suspend",
                R"(Stops all publishing at once, durably (a flag in the ledger, with who, when and why), until
`postern-uploader resume`. A running publish or watch stops before its next target; an
adapter in the middle of a multi-request post may finish the one request it is sending.
Bundles that arrive while suspended are verified and claimed (so they cannot be replayed),
and wait. Needs no passphrase and no lock, so it works while watch runs.
)"});
    r.add({"watch",
           {"watch DIR [--interval SECONDS] [--once] [--keep] [--settle SECONDS]\n"
            "                             [--max-size BYTES]"},
           {{"interval",
             "SECONDS",
             "time between passes (default 60, 1-86400); a scheduled post that falls due sooner wakes it early"},
            {"once", "", "one pass, then exit with the exit code publish would use"},
            {"keep", "", "keep bundle files after their bundle is complete (default: wipe)"},
            {"settle",
             "SECONDS",
             "a file is taken only when two looks this far apart agree on its size and time (default 2; 0 trusts "
             "the workstation's atomic rename)"},
            kMaxSize},
           kCommands,
           {{"watch DIR",
             "service mode: publish bundles arriving in DIR, scheduled posts when due, receipts next to the "
             "bundles"}}},
          runWatch);
    r.describe({"watch",
                R"(Service mode for a mounted media folder. Every interval it publishes scheduled posts whose
time has come and interrupted work, then verifies and publishes each new *.postern file
directly in DIR (hidden files and subfolders are ignored) in sequence order, exactly as
`publish` does, and writes the signed receipt next to it as FILE.receipt. A file whose
receipt exists, or whose bundle is already in the ledger, is skipped. Honours `suspend`.
SIGTERM or SIGINT finishes the request in flight and exits; the next start carries on.

The keys are unlocked once at start: give --passphrase-file FILE, or run it under systemd
with LoadCredential=passphrase:... (read from $CREDENTIALS_DIRECTORY/passphrase).
)"});
    r.add({"status",
           {"status"},
           {},
           kCommands,
           {{"status", "suspension, pending targets, workstations, the last 20 bundles"}}},
          runStatus);
    r.describe({"status",
                R"(Prints this uploader's fingerprint and outbox, whether publishing is suspended (by whom,
when, why), every pending target with its state and due time, the trusted workstations
(name, fingerprint, policy version, highest sequence accepted), how many bundles and
targets are in each state, and the last 20 bundles with the state of each target. Needs
no passphrase.
)"});
    r.add({"report",
           {"report --out FILE [--window DAYS] [--workstation FINGERPRINT]"},
           {{"out", "FILE", "where to write the signed report (a new file)"},
            {"window", "DAYS", "read back posts published in the last DAYS days (1-3650, default 30)"},
            {"workstation", "FINGERPRINT", "the workstation the report is for (needed when several are trusted)"}},
           kCommands,
           {{"report --out FILE",
             "read back counts and replies of published posts; write the signed report for the workstation"}}},
          runReport);
    r.describe({"report",
                R"(Reads back every post this uploader published in the window (default 30 days) that no
retract order deleted: its reaction counts and the replies to it, through each platform's
API, respecting its rate limits. Platforms that give nothing say so per post (TikTok gives
no comments; the outbox was posted by hand). Every string read is made plain text and
capped; counts and replies are kept in the ledger. Then writes FILE, signed with the
uploader's key (asks for the passphrase): the counts read now and every reply no earlier
report carried, numbered one above the previous report for that workstation. FILE must
not exist. Carry it to the workstation and import it there. Takes the home lock.
)"});
    r.add({"profile",
           {"profile export FILE [--days N]"},
           {{"days", "N", "how long the workstation uses it (1-365, default 30)"}},
           kCommands,
           {{"profile export FILE",
             "write the signed platform profile (each account's live limits) for `postern-cli profile import`"}}},
          runProfile);
    r.describe({"profile",
                R"(Writes a platform profile to FILE, signed with the uploader's key (asks for the passphrase):
each account's limits, for the workstation's composer to check drafts against. Mastodon
accounts are asked live (GET /api/v2/instance: characters, attachments, sizes, types);
Bluesky, X and TikTok get their documented limits, marked `fetched: false`. A failed
fetch falls back to the documented limits and exits 5. Carry FILE to the workstation and
run `postern-cli profile import FILE` there.
)"});
}

} // namespace

const Registry& commands()
{
    static const Registry kRegistry = [] {
        Registry r(program());
        addSetup(r);
        addPublishing(r);
        addService(r);
        return r;
    }();
    return kRegistry;
}

} // namespace postern::uploader::cli
