// SPDX-License-Identifier: GPL-3.0-or-later
// The uploader's signed platform profile: `profile import FILE` (admin), `profile show`.
#include "postern/util/FileIO.h"

#include "Session.h"

namespace postern::cli {

namespace {

std::string joined(const std::vector<std::string>& items)
{
    std::string out;
    for (const auto& s : items)
        out += (out.empty() ? "" : " ") + s;
    return out;
}

/** limitLines renders one channel's limits as "name value" pairs, in the file's field order. */
std::vector<std::string> limitLines(const domain::ChannelLimits& l)
{
    std::vector<std::string> out;
    const auto num = [&](std::string_view name, const std::optional<std::int64_t>& v) {
        if (v)
            out.push_back(std::string(name) + " " + std::to_string(*v));
    };
    num("max_characters", l.maxCharacters);
    num("characters_reserved_per_url", l.charactersReservedPerUrl);
    num("max_media", l.maxMedia);
    num("max_image_bytes", l.maxImageBytes);
    num("max_gif_bytes", l.maxGifBytes);
    num("max_video_bytes", l.maxVideoBytes);
    num("max_video_duration_s", l.maxVideoDurationS);
    if (l.mimeTypes)
        out.push_back("mime_types " + joined(*l.mimeTypes));
    if (l.privacyLevelOptions)
        out.push_back("privacy_level_options " + joined(*l.privacyLevelOptions));
    if (l.commentDisabled)
        out.push_back("comments disabled by the creator");
    if (l.duetDisabled)
        out.push_back("duets disabled by the creator");
    if (l.stitchDisabled)
        out.push_back("stitches disabled by the creator");
    return out;
}

void printProfile(const Context& ctx, const workflow::ProfileSummary& s)
{
    const auto& p = s.profile;
    ctx.out() << "platform profile signed by the uploader key " << domain::keyFingerprint(p.uploader) << "\n"
              << "  created   " << formatUtc(p.created) << "\n"
              << "  expires   " << formatUtc(p.expires) << (s.expired ? "  (EXPIRED)" : "") << "\n"
              << "  imported  " << formatUtc(s.importedAt) << "\n";
    for (const auto& c : p.channels) {
        ctx.out() << "  " << c.channel.str() << "  "
                  << (c.fetched ? "fetched " + formatUtc(c.fetchedAt) : std::string("documented limits, not fetched"))
                  << "\n";
        const auto lines = limitLines(c.limits);
        if (lines.empty())
            ctx.out() << "    (no limits beyond the built-in rules)\n";
        for (const auto& line : lines)
            ctx.out() << "    " << printable(line) << "\n";
    }
}

} // namespace

ExitCode runProfile(const Context& ctx)
{
    const bool import = ctx.args.command == "profile import";
    if (ctx.args.positionals.size() != (import ? 1u : 0u))
        return usageError(ctx,
                          import ? "profile import takes exactly one FILE" : "profile show takes no argument",
                          import ? "postern-cli profile import FILE --as ADMIN" : "postern-cli profile show");
    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    if (import) {
        auto text = readFileCapped(ctx.args.positionals[0], bundle::kMaxProfileBytes);
        if (!text)
            return failWith(ctx,
                            text.error(),
                            text.code() == Errc::TooLarge ? ExitCode::Refused : ExitCode::Environment);
        std::optional<workflow::UnlockedUser> admin;
        if (auto code = login(ctx, *ws, "profile import", admin))
            return *code;
        auto summary = ws->importProfile(*admin, *text);
        if (!summary)
            return failWith(ctx, summary.error());
        ctx.out() << "imported the platform profile (" << summary->profile.channels.size() << " channel(s)) by "
                  << admin->record.name << "; drafts are now checked against its limits until "
                  << formatUtc(summary->profile.expires) << "\n";
        printProfile(ctx, *summary);
        return ExitCode::Ok;
    }
    auto current = ws->currentProfile();
    if (!current)
        return failWith(ctx, current.error());
    if (!current->has_value()) {
        ctx.out() << "no platform profile imported; drafts are checked against the built-in limits "
                     "(docs/compose.md)\n";
        return ExitCode::Ok;
    }
    if ((*current)->applies || (*current)->expired) // verified: worth showing
        printProfile(ctx, **current);
    if (!(*current)->warning.empty())
        printError(ctx, (*current)->warning);
    return ExitCode::Ok;
}

} // namespace postern::cli
