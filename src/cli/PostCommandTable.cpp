// SPDX-License-Identifier: GPL-3.0-or-later
// Post and order commands in the command table: what each accepts, how `--help` shows it, what
// runs it.
#include "CommandTable.h"
#include "PlatformWords.h"
#include "Session.h"

namespace postern::cli {

namespace {

constexpr const char* kPosts = "posts";
constexpr const char* kOrders = "orders (stop or delete a post that was already sent)";

/** The flags of draft new and draft edit: edit takes the whole set again. */
std::vector<clikit::OptionSpec> draftOptions()
{
    return {
        {"channel", "PLATFORM:ACCOUNT", "a target channel; at least one", true},
        {"text", "TEXT", "the text for every channel"},
        {"text-file", "FILE", "the same, read from FILE (one final newline dropped)"},
        {"channel-text", "PLATFORM:ACCOUNT=FILE", "this channel's own text instead of the shared one", true},
        {"option",
         "PLATFORM:ACCOUNT.KEY=VALUE",
         "a platform option, e.g.\n  mastodon:@press@social.example.visibility=public\n  "
         "tiktok:press.privacy_level=SELF_ONLY\ntrue/false become booleans for " + booleanOptionList(),
         true},
        {"media",
         "FILE",
         "attach an image or video (JPEG, PNG, WebP, GIF, MP4, MOV, WebM; type from the extension)",
         true},
        {"alt", "TEXT", "alt text of the --media just before it", true},
        {"schedule", "TIME", "publish time in UTC, e.g. 2027-01-01T09:30Z; default: as soon as it arrives"},
    };
}

/** The options of order cancel and order retract. */
std::vector<clikit::OptionSpec> requestOptions()
{
    return {
        {"channel", "C", "only this channel of the post (default: every one the order can still change)", true},
        {"reason", "TEXT", "why: shown to the approvers, and to the requester when declined"},
        {"bundle", "BUNDLE", "one order per post of this exported bundle (its 32-digit id)"},
    };
}

void addDrafting(Registry& r)
{
    r.add({"draft new",
           {"draft new  --as AUTHOR FLAGS..."},
           draftOptions(),
           kPosts,
           {{"draft new ...", "write a post (texts, options, media, schedule)"}}},
          runDraft);
    r.add({"draft edit",
           {"draft edit POST --as AUTHOR FLAGS..."},
           draftOptions(),
           kPosts,
           {{"draft edit POST ...", "replace a draft's content with a new version"}}},
          runDraft);
    r.describe({"draft",
                R"(draft new creates a post and prints its id; draft edit replaces the whole content of a
post with a new version, which takes the post back to draft and voids every approval of
the old version. Edit takes the same full set of flags as new: give every channel, text,
option and media again; nothing is carried over from the old version.
)",
                R"(A text is needed for every channel: --text/--text-file, or --channel-text per channel.
Limits per platform are checked when the post is saved.

example:
  postern-cli draft new --as alice --channel outbox:press --text "Open day on Saturday" \
      --media poster.png --alt "Poster: open day, 10:00 to 16:00"
)",
                "flags"});

    r.add({"submit", {"submit POST --as AUTHOR"}, {}, kPosts, {{"submit POST", "send a draft for review (author)"}}},
          runSubmit);
    r.describe({"submit",
                R"(Sends the author's draft for review. Every channel of the post must have a rule in the
policy, a scheduled time must still be in the future, and the post must fit every channel's
platform limits (limit-exceeded lists what to fix; `postern-cli check POST` shows it too).
)"});
    r.add({"approve",
           {"approve POST --as APPROVER"},
           {},
           kPosts,
           {{"approve POST", "sign the current version (approver)"}}},
          runApprove);
    r.describe({"approve",
                R"(Signs the current version of a post under review with the approver's key. The approver must
be allowed by the policy for at least one of the post's channels and must not be its author.
When every channel has the approvals it needs, the post becomes approved. Any later edit
voids the approval.
)"});
    r.add({"reject",
           {"reject POST --as APPROVER --reason TEXT"},
           {{"reason", "TEXT", "why, for the author (required)"}},
           kPosts,
           {{"reject POST --reason TEXT", "send it back to the author (approver)"}}},
          runReject);
    r.describe({"reject",
                R"(Sends a post under review back to its author with a reason (the author sees it in
`postern-cli show`). The author revises it with `postern-cli draft edit` and submits again.
)"});
}

void addViewing(Registry& r)
{
    r.add({"list",
           {"list [--state STATE] [--channel TEXT] [--search TEXT] [--limit N] [--json]"},
           {{"state", "STATE", "draft, in_review, approved, rejected, exported, published or failed"},
            {"channel", "TEXT", "only posts whose channels contain TEXT (e.g. outbox: or press)"},
            {"search", "TEXT", "only posts whose title (first 120 characters) contains TEXT, ignoring ASCII case"},
            {"limit", "N", "at most N posts (default 100, at most 10000)"},
            {"json", "", "one JSON array of objects with full ids, for scripts"}},
           kPosts,
           {{"list", "posts as a table (or --json)"}}},
          runList);
    r.describe({"list",
                R"(Lists posts, most recently changed first: id (first 12 hex digits), state, channels,
author, schedule ("on arrival" when none), last change and title.
)"});
    r.add({"show",
           {"show POST [--json]"},
           {{"json", "", "one JSON object instead (without the orders: `postern-cli order list POST`)"}},
           kPosts,
           {{"show POST", "everything about one post (or --json)"}}},
          runShow);
    r.describe({"show",
                R"(Prints everything about a post: state, version, author, schedule, who approved the current
version and what is still missing, per channel the text and options, media (name, type,
size, hash, alt text), rejections with reasons, the publishing results the uploader
reported, with URLs, and its cancel and retract orders.
)"});
    r.add({"check",
           {"check POST"},
           {},
           kPosts,
           {{"check POST", "platform limits and OPSEC flags of the current version"}}},
          runCheck);
    r.describe({"check",
                R"(Checks the current version against each channel's platform limits (text length as the
platform counts it, attachment count, types and sizes, alt text, required options) and runs
the OPSEC rules over its texts and alt texts. Exit code 0 when it fits, 3 when a limit is
broken; OPSEC flags are for the reviewer and do not change the exit code.
)"});
}

void addOrders(Registry& r)
{
    r.add({"order cancel",
           {"order cancel  POST [--channel C]... --reason TEXT --as USER"},
           requestOptions(),
           kOrders,
           {{"order cancel POST --reason T", "ask to stop a post not yet published (author, approver)"}}},
          runOrder);
    // --bundle works for both; its lines follow retract's, as in docs/cli.md.
    r.add({"order retract",
           {"order retract POST [--channel C]... --reason TEXT --as USER",
            "order cancel|retract --bundle BUNDLE --reason TEXT --as USER"},
           requestOptions(),
           kOrders,
           {{"order retract POST --reason T", "ask to delete it where published, and stop it elsewhere"},
            {"order cancel --bundle B ...", "one order per post of an exported bundle (a lost drive)"}}},
          runOrder);
    r.add({"order approve",
           {"order approve  ORDER --as APPROVER"},
           {},
           kOrders,
           {{"order approve ORDER", "sign an order (approver; not the requester)"}}},
          runOrder);
    r.add({"order decline",
           {"order decline  ORDER --reason TEXT --as APPROVER"},
           {{"reason", "TEXT", "why: shown to the approvers, and to the requester when declined"}},
           kOrders,
           {{"order decline ORDER --reason T", "refuse an order (approver)"}}},
          runOrder);
    r.add({"order withdraw",
           {"order withdraw ORDER --as REQUESTER"},
           {},
           kOrders,
           {{"order withdraw ORDER", "take back your own order before it is exported"}}},
          runOrder);
    r.add({"order list",
           {"order list [POST] [--state STATE]"},
           {{"state", "STATE", "pending, approved, declined, withdrawn, exported, done, partly_failed or failed"}},
           kOrders,
           {{"order list [POST]", "orders as a table"}}},
          runOrder);
    r.add({"order show",
           {"order show ORDER"},
           {},
           kOrders,
           {{"order show ORDER", "one order: approvals per channel, bundle, results"}}},
          runOrder);
    r.describe({"order",
                R"(An order is a signed instruction about a post that already left in a bundle. cancel stops it
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
list, show       need no passphrase. ORDER is an order id or a unique prefix of 6+ digits.
)",
                R"(After the receipt of the bundle that carried it is imported, `order show` lists the result per
channel (cancelled, retracted or failed with the uploader's reason).

example:
  postern-cli order retract 3f9a2c --channel mastodon:@press@social.example \
      --reason "Wrong date in the text" --as alice
  postern-cli order approve 8c41d0 --as bob
)"});
}

} // namespace

void addPostCommands(Registry& r)
{
    addDrafting(r);
    addViewing(r);
    addOrders(r);
}

} // namespace postern::cli
