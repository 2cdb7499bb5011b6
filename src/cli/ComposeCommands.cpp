// SPDX-License-Identifier: GPL-3.0-or-later
// Composer rules from the command line: check (platform limits and OPSEC flags), opsec list|set.
#include "postern/util/FileIO.h"

#include "Session.h"

namespace postern::cli {

void printViolations(const Context& ctx, const std::vector<compose::Violation>& violations)
{
    for (const auto& v : violations) {
        ctx.out() << "  " << (v.channel.empty() ? std::string("(post)") : v.channel) << " " << v.field;
        if (v.offsetUtf8 >= 0)
            ctx.out() << " from byte " << v.offsetUtf8;
        ctx.out() << ": " << printable(v.message) << "\n";
    }
}

ExitCode runCheck(const Context& ctx)
{
    std::unique_ptr<workflow::Workstation> ws;
    std::string postId;
    if (ctx.args.positionals.size() != 1)
        return usageError(ctx, "check takes exactly one POST id", "postern-cli check POST");
    if (auto code = openStore(ctx, ws))
        return *code;
    if (auto code = resolvePostId(ctx, *ws, ctx.args.positionals[0], postId))
        return *code;
    auto violations = ws->checkPost(postId);
    if (!violations)
        return failWith(ctx, violations.error());
    auto flags = ws->opsecFlags(postId);
    if (!flags)
        return failWith(ctx, flags.error());
    if (violations->empty()) {
        ctx.out() << "post " << shortId(postId) << " fits every channel's platform limits\n";
    } else {
        ctx.out() << "post " << shortId(postId) << " breaks " << violations->size()
                  << " platform limit(s); it cannot be submitted until they are fixed:\n";
        printViolations(ctx, *violations);
    }
    if (flags->empty())
        ctx.out() << "no OPSEC flags\n";
    for (const auto& f : *flags)
        ctx.out() << "OPSEC " << f.ruleName << ": " << (f.channel.empty() ? "" : f.channel + " ") << f.field
                  << " bytes " << f.beginUtf8 << "-" << f.endUtf8 << ": \"" << printable(f.match) << "\"\n";
    return violations->empty() ? ExitCode::Ok : ExitCode::Refused;
}

ExitCode runOpsec(const Context& ctx)
{
    const bool set = ctx.args.command == "opsec set";
    if (ctx.args.positionals.size() != (set ? 1u : 0u))
        return usageError(ctx,
                          set ? "opsec set takes exactly one FILE" : "opsec list takes no argument",
                          set ? "postern-cli opsec set FILE --as ADMIN" : "postern-cli opsec list");
    std::vector<compose::OpsecRule> rules;
    if (set) {
        auto text = readFileCapped(ctx.args.positionals[0], compose::kMaxOpsecRulesJsonBytes);
        if (!text)
            return failWith(ctx, text.error());
        auto parsed = compose::parseOpsecRulesText(*text);
        if (!parsed)
            return failWith(ctx,
                            parsed.error(),
                            ExitCode::Usage,
                            "see `postern-cli opsec --help` for the file format; nothing was changed");
        rules = std::move(parsed).value();
    }
    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    if (set) {
        std::optional<workflow::UnlockedUser> admin;
        if (auto code = login(ctx, *ws, "opsec set", admin))
            return *code;
        if (auto s = ws->setOpsecRules(*admin, rules); !s)
            return failWith(ctx, s.error());
        ctx.out() << rules.size() << " OPSEC rule(s) saved by " << admin->record.name << "\n";
        return ExitCode::Ok;
    }
    auto current = ws->opsecRules();
    if (!current)
        return failWith(ctx, current.error());
    // The canonical JSON is also a valid input file for `opsec set`.
    ctx.out() << compose::opsecRulesToJson(*current).serialize() << "\n";
    return ExitCode::Ok;
}

} // namespace postern::cli
