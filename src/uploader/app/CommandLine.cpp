// SPDX-License-Identifier: GPL-3.0-or-later
#include "CommandLine.h"

#include <algorithm>

namespace postern::uploader::cli {

namespace {

constexpr OptionSpec kGlobal[] = {{"home", true},
                                  {"passphrase-file", true},
                                  {"log-level", true},
                                  {"log-file", true},
                                  {"help", false},
                                  {"version", false}};

struct CommandSpec
{
    std::string_view name;
    std::vector<OptionSpec> options;
    std::string_view help;
};

constexpr std::string_view kMainHelp = R"(usage: postern-uploader [--home DIR] COMMAND [ARGS] [OPTIONS]

Publishes bundles exported by an offline Postern workstation, exactly once, and writes
signed receipts for the workstation. It publishes to `outbox` channels (one folder per post
and channel) and to `bluesky` channels (through the account added for the channel); other
platforms are recorded as failed.

commands:
  init --name NAME        create the uploader's keys, ledger and identity file
  identity export FILE    copy the identity file to FILE (to carry to the workstation)
  trust FILE              trust a workstation identity after comparing its fingerprint
  account add|list|remove platform accounts (credentials stay on this host, sealed)
  verify BUNDLE           check a bundle completely without consuming it
  publish BUNDLE          verify, publish and write the signed receipt
  receipt BUNDLE --out F  write the receipt already given for a bundle again, unchanged
  resume                  lift a suspension, publish what is pending and due, write receipts
  suspend [--reason TEXT] stop all publishing until `resume`
  watch DIR               service mode: publish bundles arriving in DIR, scheduled posts
                          when due, receipts next to the bundles
  status                  suspension, pending targets, workstations, the last 20 bundles
  profile export FILE     write the signed platform profile (each account's live limits)
                          for `postern-cli profile import`

global options:
  --home DIR              uploader home (default $POSTERN_UPLOADER_HOME, else
                          $HOME/.local/share/postern-uploader)
  --passphrase-file FILE  read the key passphrase from the first line of FILE instead of
                          asking on the terminal (keep FILE 0600, ideally on tmpfs)
  --log-level LEVEL       trace, debug, info, warn (default), error, critical, off
  --log-file FILE         also log to FILE (rotated at 10 MiB, 5 files kept; `watch`
                          logs to <home>/log/postern-uploader.log unless given)
  --help                  this text; `postern-uploader COMMAND --help` for one command
  --version               print the version

exit codes:
  0 ok                              4 replay: the bundle was already processed
  1 usage error                     5 published, but some targets failed
  2 I/O or environment error        6 not initialised, or workstation not trusted
  3 bundle rejected by verification 7 wrong passphrase or key problem

Errors go to stderr as `postern-uploader: <what happened>`, often followed by
`postern-uploader: hint: <what to do>`. See docs/uploader.md for the full guide.
)";

constexpr std::string_view kInitHelp = R"(usage: postern-uploader init --name NAME [--outbox DIR] [--kdf PROFILE]

Creates the uploader home: an X25519 key (bundles are encrypted to it) and an Ed25519 key
(it signs receipts), both sealed under one passphrase; the ledger; and the identity file
uploader-identity.postern. Refuses to touch a home that is already initialised.

The passphrase is asked twice on the terminal (or read once from --passphrase-file) and
must be at least 12 characters.

options:
  --name NAME       a name for this uploader, shown on the workstation (1-64 bytes)
  --outbox DIR      where outbox channels write their folders (default <home>/outbox)
  --kdf PROFILE     Argon2id cost for the key files: interactive, moderate (default) or
                    sensitive; higher is slower to unlock and harder to guess

Afterwards carry the identity file to the workstation and read the printed fingerprint
aloud to the workstation admin, who must see the same one.
)";

constexpr std::string_view kIdentityHelp = R"(usage: postern-uploader identity export FILE

Writes a copy of this uploader's identity file (public keys, self-signed) to FILE, for
example on removable media for the key ceremony. It holds no secret.
)";

constexpr std::string_view kTrustHelp = R"(usage: postern-uploader trust FILE [--fingerprint FP]

Reads a workstation identity file, checks its signature and its whole policy chain, prints
the workstation's name, fingerprint, policy version, users with roles and channels with
their rules, and asks you to confirm. Compare the fingerprint with the workstation admin,
out loud or over a trusted channel, before you confirm.

Confirm either by typing `yes` on the terminal or, for scripts, with
  --fingerprint FP  exactly the printed fingerprint (e.g. 7K3M-Q9XD-...); a mismatch refuses

Trusting a known workstation again stores its newer policy versions, but only if they
follow the versions already trusted (signed by the previous admins); a different chain for
the same key is refused as policy-fork.
)";

constexpr std::string_view kAccountHelp =
    R"(usage: postern-uploader account add CHANNEL --handle HANDLE [--service URL] SECRET
       postern-uploader account list
       postern-uploader account remove CHANNEL

Platform accounts used to publish a channel.
  CHANNEL                 the channel as the workstation's policy names it, e.g.
                          bluesky:press.example.org or mastodon:press@social.example
  --handle HANDLE         the account's handle, DID or user name (shown in lists and URLs)
  --service URL           the API's base URL: Bluesky the PDS (e.g. https://bsky.social),
                          Mastodon the instance (e.g. https://mastodon.social); TikTok and X
                          default to https://open.tiktokapis.com and https://api.x.com.
                          Plain http:// is accepted only for this host (tests).
SECRET, one of (each a file, mode 0600, that you can delete afterwards):
  --app-password-file F   Bluesky: first line is an app password (Settings > Privacy and
                          security > App passwords). Never your main password.
  --token-file F          Mastodon: first line is an access token with the scopes
                          write:statuses, write:media, read:statuses and read:accounts
                          (Preferences > Development > New application)
  --credentials-file F    TikTok and X: the JSON answer of the OAuth token endpoint
                          (access_token, refresh_token, expires_in, ...) with "client_id"
                          and, for confidential clients, "client_secret" added

Secrets and session tokens are sealed (libsodium secretbox) under the host key
<home>/keys/host.key (0600, made on first use) and stored in the ledger; they are never
printed or logged. Sessions and tokens are reused and refreshed (a rotated refresh token is
stored before it is used). Needs no passphrase.
)";

constexpr std::string_view kVerifyHelp = R"(usage: postern-uploader verify BUNDLE [--max-size BYTES]

Runs every check a bundle must pass (size, format, workstation signature, recipient, age,
replay, decryption, manifest, media hashes, policy chain, approvals) and prints a summary:
bundle id, workstation, sequence, creation and expiry, posts with channels and approvers,
media. Nothing is consumed or recorded: publish the same file afterwards.

options:
  --max-size BYTES  refuse bundles larger than BYTES (default 68719476736, 64 GiB)
)";

constexpr std::string_view kPublishHelp =
    R"(usage: postern-uploader publish BUNDLE [--keep] [--receipt FILE] [--max-size BYTES]

Finishes any interrupted work first, then verifies BUNDLE (as `verify` does), records it in
the ledger so it can never be used again, and publishes every post on every channel:
  outbox channels   a folder <outbox>/<bundle-id>/<post>-<channel>/ with post.json,
                    text.txt, media-<k>.<ext> and media-<k>.alt.txt
  bluesky channels  a post (text, link/tag/mention facets, up to 4 images with alt
                    text) through the account added with `account add`
  mastodon, tiktok, x through the account added with `account add`
Then it writes a signed receipt for the workstation and overwrites and removes BUNDLE.

A bundle this uploader already answered (published or refused) is answered from the ledger
before any other check, and its receipt is never written over (`receipt` writes it again).
If the bundle is rejected nothing is published and BUNDLE is kept; when the workstation's
signature on it was valid a receipt naming the error is written and the refusal is final:
this uploader never publishes that bundle. A copy that is incomplete, padded, or larger than
--max-size is not refused: no receipt is written and a good copy can still be published.
A file already at the receipt's path is never overwritten: move it away or use --receipt.

options:
  --keep            keep the bundle file after publishing
  --receipt FILE    where to write the receipt (default BUNDLE.receipt)
  --max-size BYTES  refuse bundles larger than BYTES (default 64 GiB)

exit codes: 0 all published, 3 rejected, 4 already processed (replay), 5 some targets
failed, 2 interrupted by an I/O problem (fix it, then run `postern-uploader resume`).
)";

constexpr std::string_view kResumeHelp = R"(usage: postern-uploader resume

Lifts a suspension (`suspend`), then publishes every target a crash, an I/O error or a
suspension left pending and every scheduled post whose time has come, and writes the
receipts of bundles whose targets are all answered. Scheduled posts not yet due keep
waiting. While `watch` runs, resume only lifts the suspension; watch does the rest. A target whose outbox folder already exists is
marked done without writing it again; a Bluesky target that was sent (or got no answer)
is first looked up on Bluesky by its record key and only published if it is not there.
`publish` runs this first on its own.
Asks for the passphrase only if there is work to do.
)";

constexpr std::string_view kStatusHelp = R"(usage: postern-uploader status

Prints this uploader's fingerprint and outbox, whether publishing is suspended (by whom,
when, why), every pending target with its state and due time, the trusted workstations
(name, fingerprint, policy version, highest sequence accepted), how many bundles and
targets are in each state, and the last 20 bundles with the state of each target. Needs
no passphrase.
)";

constexpr std::string_view kProfileHelp = R"(usage: postern-uploader profile export FILE [--days N]

Writes a platform profile to FILE, signed with the uploader's key (asks for the passphrase):
each account's limits, for the workstation's composer to check drafts against. Mastodon
accounts are asked live (GET /api/v2/instance: characters, attachments, sizes, types);
Bluesky, X and TikTok get their documented limits, marked `fetched: false`. A failed
fetch falls back to the documented limits and exits 5. Carry FILE to the workstation and
run `postern-cli profile import FILE` there.

options:
  --days N          how long the workstation uses it (1-365, default 30)
)";

constexpr std::string_view kReceiptHelp = R"(usage: postern-uploader receipt BUNDLE|BUNDLE-ID --out FILE

Writes the receipt this uploader already gave for a bundle (published or refused) to FILE
again, byte for byte, as kept in the ledger. For when the first receipt file was lost: a
receipt is never written over, and a bundle is never answered twice with different words.
BUNDLE is the bundle file (only its header is read) or its 32-digit id. FILE must not exist.

options:
  --out FILE        where to write the receipt (a new file)
)";

constexpr std::string_view kSuspendHelp = R"(usage: postern-uploader suspend [--reason TEXT]

Stops all publishing at once, durably (a flag in the ledger, with who, when and why), until
`postern-uploader resume`. A running publish or watch stops before its next target; an
adapter in the middle of a multi-request post may finish the one request it is sending.
Bundles that arrive while suspended are verified and claimed (so they cannot be replayed),
and wait. Needs no passphrase and no lock, so it works while watch runs.

options:
  --reason TEXT     why, for the record (shown by status and in the ledger's events)
)";

constexpr std::string_view kWatchHelp =
    R"(usage: postern-uploader watch DIR [--interval SECONDS] [--once] [--keep] [--settle SECONDS]
                             [--max-size BYTES]

Service mode for a mounted media folder. Every interval it publishes scheduled posts whose
time has come and interrupted work, then verifies and publishes each new *.postern file
directly in DIR (hidden files and subfolders are ignored) in sequence order, exactly as
`publish` does, and writes the signed receipt next to it as FILE.receipt. A file whose
receipt exists, or whose bundle is already in the ledger, is skipped. Honours `suspend`.
SIGTERM or SIGINT finishes the request in flight and exits; the next start carries on.

The keys are unlocked once at start: give --passphrase-file FILE, or run it under systemd
with LoadCredential=passphrase:... (read from $CREDENTIALS_DIRECTORY/passphrase).

options:
  --interval SECONDS  time between passes (default 60, 1-86400); a scheduled post that falls
                      due sooner wakes it early
  --once              one pass, then exit with the exit code publish would use
  --keep              keep bundle files after their bundle is complete (default: wipe)
  --settle SECONDS    a file is taken only when two looks this far apart agree on its size
                      and time (default 2; 0 trusts the workstation's atomic rename)
  --max-size BYTES    refuse bundles larger than BYTES (default 64 GiB)
)";

const std::vector<CommandSpec>& commands()
{
    static const std::vector<CommandSpec> kCommands = {
        {"init", {{"name", true}, {"outbox", true}, {"kdf", true}}, kInitHelp},
        {"identity", {}, kIdentityHelp},
        {"trust", {{"fingerprint", true}}, kTrustHelp},
        {"account",
         {{"handle", true},
          {"app-password-file", true},
          {"token-file", true},
          {"credentials-file", true},
          {"service", true}},
         kAccountHelp},
        {"verify", {{"max-size", true}}, kVerifyHelp},
        {"publish", {{"keep", false}, {"receipt", true}, {"max-size", true}}, kPublishHelp},
        {"receipt", {{"out", true}}, kReceiptHelp},
        {"resume", {}, kResumeHelp},
        {"suspend", {{"reason", true}}, kSuspendHelp},
        {"watch",
         {{"interval", true}, {"once", false}, {"keep", false}, {"settle", true}, {"max-size", true}},
         kWatchHelp},
        {"status", {}, kStatusHelp},
        {"profile", {{"days", true}}, kProfileHelp},
    };
    return kCommands;
}

const CommandSpec* findCommand(std::string_view name)
{
    for (const auto& c : commands()) {
        if (c.name == name)
            return &c;
    }
    return nullptr;
}

const OptionSpec* findOption(std::string_view name, const CommandSpec* command)
{
    for (const auto& o : kGlobal) {
        if (o.name == name)
            return &o;
    }
    if (command) {
        for (const auto& o : command->options) {
            if (o.name == name)
                return &o;
        }
    }
    return nullptr;
}

/** commandName finds the first word that is not an option or an option's value. */
std::string commandName(const std::vector<std::string>& argv)
{
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (a == "--")
            return i + 1 < argv.size() ? argv[i + 1] : std::string();
        if (a.rfind("--", 0) != 0)
            return a;
        const std::string name = a.substr(2, a.find('=') == std::string::npos ? std::string::npos : a.find('=') - 2);
        const OptionSpec* spec = findOption(name, nullptr);
        if (spec && spec->takesValue && a.find('=') == std::string::npos)
            ++i;
    }
    return {};
}

} // namespace

bool Arguments::has(std::string_view name) const
{
    return flags.count(std::string(name)) == 1 || values.count(std::string(name)) == 1;
}

const std::string* Arguments::value(std::string_view name) const
{
    const auto it = values.find(std::string(name));
    return it == values.end() ? nullptr : &it->second;
}

Result<Arguments> parseCommandLine(const std::vector<std::string>& argv)
{
    Arguments out;
    out.command = commandName(argv);
    const CommandSpec* command = findCommand(out.command);
    if (!out.command.empty() && !command)
        return fail(Errc::InvalidArgument, "unknown command \"" + out.command + "\"");
    bool commandSeen = false;
    bool optionsEnded = false;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (!optionsEnded && a == "--") {
            optionsEnded = true;
            continue;
        }
        if (optionsEnded || a.rfind("--", 0) != 0 || a.size() == 2) {
            if (!commandSeen && a == out.command)
                commandSeen = true;
            else
                out.positionals.push_back(a);
            continue;
        }
        const auto eq = a.find('=');
        const std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        const OptionSpec* spec = findOption(name, command);
        if (!spec)
            return fail(Errc::InvalidArgument,
                        "unknown option --" + name + (out.command.empty() ? std::string() : " for " + out.command));
        if (!spec->takesValue) {
            if (eq != std::string::npos)
                return fail(Errc::InvalidArgument, "option --" + name + " takes no value");
            out.flags.insert(name);
            continue;
        }
        std::string value;
        if (eq != std::string::npos) {
            value = a.substr(eq + 1);
        } else {
            if (i + 1 >= argv.size())
                return fail(Errc::InvalidArgument, "option --" + name + " needs a value");
            value = argv[++i];
        }
        if (out.values.count(name) == 1)
            return fail(Errc::InvalidArgument, "option --" + name + " is given twice");
        out.values[name] = value;
    }
    return out;
}

std::string_view mainHelp()
{
    return kMainHelp;
}

std::optional<std::string_view> commandHelp(std::string_view command)
{
    const CommandSpec* c = findCommand(command);
    if (!c)
        return std::nullopt;
    return c->help;
}

} // namespace postern::uploader::cli
