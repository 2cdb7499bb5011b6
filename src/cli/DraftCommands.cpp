// SPDX-License-Identifier: GPL-3.0-or-later
// Authoring and review: draft new / edit, submit, approve, reject.
#include "postern/domain/PlatformDescriptor.h"
#include "postern/domain/Post.h"
#include "postern/util/FileIO.h"

#include "Session.h"

#include <algorithm>

namespace postern::cli {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kDraftSynopsis =
    "postern-cli draft new --as AUTHOR --channel PLATFORM:ACCOUNT (--text TEXT | --text-file FILE) "
    "[--media FILE [--alt TEXT]] ...; see `postern-cli draft --help`";

/** isBooleanOption: the option takes true/false (its descriptor says so; the domain check has the last word). */
bool isBooleanOption(domain::Platform platform, std::string_view key)
{
    const domain::OptionSpec* spec = domain::descriptorFor(platform).option(key);
    return spec && spec->type == domain::OptionType::Bool;
}

/** readTextFile reads a post text; one final newline (editors add it) is not part of the text. */
Result<std::string> readTextFile(const fs::path& file)
{
    POSTERN_ASSIGN(text, readFileCapped(file, domain::kMaxTextBytes + 2));
    if (text.size() >= 2 && text.compare(text.size() - 2, 2, "\r\n") == 0)
        text.resize(text.size() - 2);
    else if (!text.empty() && text.back() == '\n')
        text.pop_back();
    if (text.size() > domain::kMaxTextBytes)
        return fail(Errc::TooLarge, file.string() + " is longer than 16 KiB, the most a post text may be");
    return text;
}

workflow::ChannelText* findChannel(workflow::DraftInput& input, const domain::ChannelId& id)
{
    for (auto& c : input.channels) {
        if (c.channel == id)
            return &c;
    }
    return nullptr;
}

/** channelOf parses the channel part of --channel-text / --option and requires it to be a --channel. */
Result<workflow::ChannelText*> channelOf(workflow::DraftInput& input, std::string_view text, std::string_view flag)
{
    auto id = domain::ChannelId::parse(text);
    if (!id)
        return fail(Errc::InvalidArgument, std::string(flag) + ": " + id.error().message);
    workflow::ChannelText* channel = findChannel(input, *id);
    if (!channel)
        return fail(Errc::InvalidArgument,
                    std::string(flag) + " names " + id->str() + ", which is not one of the post's --channel options");
    return channel;
}

Status addOption(workflow::DraftInput& input, const std::string& spec)
{
    // platform:account.key=value; accounts may contain dots, keys never do, so split at the last one.
    const auto eq = spec.find('=');
    const auto dot = spec.rfind('.', eq);
    if (eq == std::string::npos || dot == std::string::npos || dot + 1 >= eq)
        return fail(Errc::InvalidArgument,
                    "--option \"" + spec
                        + "\" must be PLATFORM:ACCOUNT.KEY=VALUE, "
                          "e.g. mastodon:@press@social.example.visibility=public");
    POSTERN_ASSIGN(channel, channelOf(input, std::string_view(spec).substr(0, dot), "--option"));
    const std::string key = spec.substr(dot + 1, eq - dot - 1);
    const std::string value = spec.substr(eq + 1);
    if (channel->options.find(key))
        return fail(Errc::InvalidArgument, "--option sets " + key + " for " + channel->channel.str() + " twice");
    if (isBooleanOption(channel->channel.platform, key)) {
        if (value != "true" && value != "false")
            return fail(Errc::InvalidArgument,
                        "--option " + channel->channel.str() + "." + key + " must be true or false, not \"" + value
                            + "\"");
        channel->options.set(key, Json(value == "true"));
    } else {
        channel->options.set(key, Json(value));
    }
    return {};
}

/** buildDraft turns the draft flags into a DraftInput; every problem is a usage error. */
Result<workflow::DraftInput> buildDraft(const Arguments& args)
{
    workflow::DraftInput input;
    const auto channels = args.values("channel");
    if (channels.empty())
        return fail(Errc::InvalidArgument,
                    "a post needs at least one --channel PLATFORM:ACCOUNT, e.g. --channel "
                    "outbox:press");
    for (const auto& c : channels) {
        auto id = domain::ChannelId::parse(c);
        if (!id)
            return fail(Errc::InvalidArgument, "--channel " + c + ": " + id.error().message);
        if (findChannel(input, *id))
            return fail(Errc::InvalidArgument, "--channel " + id->str() + " is given twice");
        input.channels.push_back({*id, std::string(), Json(Json::Object{})});
    }

    const auto* text = args.value("text");
    const auto* textFile = args.value("text-file");
    if (text && textFile)
        return fail(Errc::InvalidArgument, "give either --text or --text-file, not both");
    std::optional<std::string> shared;
    if (text)
        shared = *text;
    if (textFile) {
        POSTERN_ASSIGN(t, readTextFile(*textFile));
        shared = std::move(t);
    }
    std::vector<bool> hasOwnText(input.channels.size(), false);
    for (const auto& spec : args.values("channel-text")) {
        const auto eq = spec.find('=');
        if (eq == std::string::npos || eq + 1 == spec.size())
            return fail(Errc::InvalidArgument, "--channel-text \"" + spec + "\" must be PLATFORM:ACCOUNT=FILE");
        POSTERN_ASSIGN(channel, channelOf(input, std::string_view(spec).substr(0, eq), "--channel-text"));
        const auto index = static_cast<std::size_t>(channel - input.channels.data());
        if (hasOwnText[index])
            return fail(Errc::InvalidArgument, "--channel-text gives " + channel->channel.str() + " two texts");
        POSTERN_ASSIGN(t, readTextFile(spec.substr(eq + 1)));
        channel->text = std::move(t);
        hasOwnText[index] = true;
    }
    for (std::size_t i = 0; i < input.channels.size(); ++i) {
        if (hasOwnText[i])
            continue;
        if (!shared)
            return fail(Errc::InvalidArgument,
                        "there is no text for " + input.channels[i].channel.str()
                            + "; give --text TEXT or --text-file FILE (or --channel-text "
                              "for every channel)");
        input.channels[i].text = *shared;
    }

    for (const auto& spec : args.values("option"))
        POSTERN_TRY(addOption(input, spec));

    // --alt belongs to the --media just before it, so walk the options in order.
    bool altGiven = false;
    for (const auto& [name, value] : args.options) {
        if (name == "media") {
            workflow::MediaInput m;
            m.file = value;
            input.media.push_back(std::move(m));
            altGiven = false;
        } else if (name == "alt") {
            if (input.media.empty())
                return fail(Errc::InvalidArgument, "--alt describes the --media before it, but no --media comes first");
            if (altGiven)
                return fail(Errc::InvalidArgument,
                            "two --alt texts follow --media " + input.media.back().file.string());
            input.media.back().alt = value;
            altGiven = true;
        }
    }

    if (const auto* schedule = args.value("schedule")) {
        std::int64_t at = 0;
        if (!parseUtc(*schedule, at))
            return fail(Errc::InvalidArgument,
                        "--schedule \"" + *schedule
                            + "\" is not a UTC time like 2027-01-01T09:30Z or 2027-01-01T09:30:00Z");
        input.schedule = at;
    }
    return input;
}

/**
 * contentProblem tells a mistake in what the author gave (a text over its limit, an option the
 * platform does not know, an unsupported media type) from a rule or the machine saying no:
 * the author fixes those flags, so they are usage errors like the flags checked here.
 */
bool contentProblem(Errc code)
{
    switch (code) {
    case Errc::BadValue:
    case Errc::TooLarge:
    case Errc::MissingField:
    case Errc::UnknownField:
    case Errc::WrongType:
    case Errc::DuplicateField:
    case Errc::BadMediaName:
    case Errc::BadEncoding:
        return true;
    default:
        return false;
    }
}

ExitCode runDraftCommand(const Context& ctx, bool edit)
{
    if (ctx.args.positionals.size() != (edit ? 1u : 0u))
        return usageError(ctx,
                          edit ? "draft edit takes exactly one POST id" : "draft new takes no positional argument",
                          kDraftSynopsis);
    auto input = buildDraft(ctx.args);
    if (!input)
        return failWith(ctx, input.error(), ExitCode::Usage, kDraftSynopsis);
    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    std::string postId;
    if (edit) {
        if (auto code = resolvePostId(ctx, *ws, ctx.args.positionals[0], postId))
            return *code;
    }
    std::optional<workflow::UnlockedUser> author;
    if (auto code = login(ctx, *ws, edit ? "draft edit" : "draft new", author))
        return *code;
    auto record = edit ? ws->editDraft(*author, postId, *input) : ws->newDraft(*author, *input);
    if (!record)
        return failWith(ctx,
                        record.error(),
                        contentProblem(record.code()) ? std::optional(ExitCode::Usage) : std::nullopt);
    ctx.out() << (edit ? "updated post " : "created post ") << record->id << " (version " << record->currentVersion
              << ", " << store::postStateName(record->state) << ")\n";
    if (edit && record->currentVersion > 1)
        ctx.out() << "approvals of earlier versions no longer count.\n";
    ctx.out() << "next: postern-cli submit " << record->id.substr(0, 12) << " --as " << author->record.name << "\n";
    return ExitCode::Ok;
}

/** review runs the steps shared by submit, approve and reject: open, resolve, log in. */
std::optional<ExitCode> review(const Context& ctx,
                               std::string_view action,
                               std::unique_ptr<workflow::Workstation>& ws,
                               std::string& postId,
                               std::optional<workflow::UnlockedUser>& user)
{
    if (ctx.args.positionals.size() != 1)
        return usageError(ctx,
                          std::string(action) + " takes exactly one POST id",
                          "postern-cli " + std::string(action) + " POST --as USER");
    if (auto code = openStore(ctx, ws))
        return code;
    if (auto code = resolvePostId(ctx, *ws, ctx.args.positionals[0], postId))
        return code;
    return login(ctx, *ws, action, user);
}

} // namespace

ExitCode runDraft(const Context& ctx)
{
    return runDraftCommand(ctx, ctx.args.command == "draft edit");
}

ExitCode runSubmit(const Context& ctx)
{
    std::unique_ptr<workflow::Workstation> ws;
    std::string postId;
    std::optional<workflow::UnlockedUser> user;
    if (auto code = review(ctx, "submit", ws, postId, user))
        return *code;
    if (auto s = ws->submit(*user, postId); !s) {
        // Over a platform limit: list every violation, not just the first few in the message.
        if (auto violations = ws->checkPost(postId); s.code() == Errc::LimitExceeded && violations) {
            ctx.out() << "post " << shortId(postId) << " breaks these platform limits:\n";
            printViolations(ctx, *violations);
        }
        return failWith(ctx, s.error());
    }
    ctx.out() << "submitted post " << postId << " for review\n";
    if (auto view = ws->show(postId); view && !view->approvalStatus.empty())
        ctx.out() << "waiting for: " << view->approvalStatus << "\n";
    return ExitCode::Ok;
}

ExitCode runApprove(const Context& ctx)
{
    std::unique_ptr<workflow::Workstation> ws;
    std::string postId;
    std::optional<workflow::UnlockedUser> user;
    if (auto code = review(ctx, "approve", ws, postId, user))
        return *code;
    auto view = ws->approve(*user, postId);
    if (!view)
        return failWith(ctx, view.error());
    std::string names;
    for (const auto& n : view->approverNames)
        names += (names.empty() ? "" : ", ") + n;
    ctx.out() << user->record.name << " approved post " << postId << " version " << view->record.currentVersion << "\n"
              << field("approved by") << names << "\n"
              << field("state") << store::postStateName(view->record.state) << "\n";
    if (view->approvalStatus.empty())
        ctx.out() << "the post has every approval it needs; an operator can export it now\n";
    else
        ctx.out() << field("waiting for") << view->approvalStatus << "\n";
    return ExitCode::Ok;
}

ExitCode runReject(const Context& ctx)
{
    const auto* reason = ctx.args.value("reason");
    if (!reason || reason->empty())
        return usageError(ctx,
                          "reject needs --reason TEXT: the author sees it and needs it to revise the post",
                          "postern-cli reject POST --as APPROVER --reason TEXT");
    std::unique_ptr<workflow::Workstation> ws;
    std::string postId;
    std::optional<workflow::UnlockedUser> user;
    if (auto code = review(ctx, "reject", ws, postId, user))
        return *code;
    if (auto s = ws->reject(*user, postId, *reason); !s)
        return failWith(ctx, s.error());
    ctx.out() << user->record.name << " rejected post " << postId << "; the author can revise it with "
              << "`postern-cli draft edit " << postId.substr(0, 12) << "`\n";
    return ExitCode::Ok;
}

} // namespace postern::cli
