// SPDX-License-Identifier: GPL-3.0-or-later
// policy set (reads the admin's human-written JSON rules) and policy show.
#include "postern/domain/Identity.h"
#include "postern/util/FileIO.h"

#include "Session.h"

#include <algorithm>
#include <iomanip>

namespace postern::cli {

namespace {

constexpr std::size_t kMaxPolicyInputBytes = 1u << 20;

/** readLifetime accepts seconds as an integer or a string such as "90m", "24h" or "7d". */
Result<std::int64_t> readLifetime(JsonFields& f)
{
    if (!f.has("max_lifetime")) {
        // Consumed nothing: the default is the workflow's, one day.
        return workflow::ChannelRuleInput{}.maxLifetime;
    }
    POSTERN_ASSIGN(node, f.value("max_lifetime"));
    const std::string where = f.where() + ".max_lifetime";
    if (node->type() == Json::Type::Int) {
        if (node->asInt() <= 0)
            return fail(Errc::BadValue, where + " must be a positive number of seconds");
        return node->asInt();
    }
    if (node->type() != Json::Type::String)
        return fail(Errc::WrongType, where + " must be seconds (3600) or a string such as \"90m\", \"24h\" or \"7d\"");
    auto seconds = parseDuration(node->asString());
    if (!seconds)
        return fail(Errc::BadValue, where + ": " + seconds.error().message);
    return *seconds;
}

/**
 * rejectUnknown names a misspelt member before anything else: "approver" is more helpful as an
 * unknown member than as "approvers is missing".
 */
Status rejectUnknown(const Json& object, const std::string& where, std::initializer_list<std::string_view> known)
{
    for (const auto& member : object.asObject()) {
        if (std::find(known.begin(), known.end(), member.first) != known.end())
            continue;
        std::string list;
        for (const auto k : known)
            list += (list.empty() ? "" : ", ") + std::string(k);
        return fail(Errc::UnknownField,
                    where + " has an unknown member \"" + member.first + "\" (known: " + list + ")");
    }
    return {};
}

/**
 * parsePolicyInput reads {"channels":[{"channel","required","approvers","max_lifetime"}...]}.
 * Strict on purpose: a misspelt field in a security policy must not be silently ignored.
 */
Result<std::vector<workflow::ChannelRuleInput>> parsePolicyInput(std::string_view text, const std::string& name)
{
    JsonLimits limits;
    limits.maxBytes = kMaxPolicyInputBytes;
    POSTERN_ASSIGN(root, parseJson(text, limits));
    if (!root.isObject())
        return fail(Errc::WrongType, name + " must hold a JSON object such as {\"channels\": [...]}");
    POSTERN_TRY(rejectUnknown(root, name, {"channels"}));
    JsonFields top(root, name);
    POSTERN_ASSIGN(channels, top.array("channels", domain::kMaxPolicyChannels));
    POSTERN_TRY(top.finish());
    std::vector<workflow::ChannelRuleInput> rules;
    for (std::size_t i = 0; i < channels->asArray().size(); ++i) {
        const Json& node = channels->asArray()[i];
        const std::string where = name + ": channels[" + std::to_string(i) + "]";
        if (!node.isObject())
            return fail(Errc::WrongType, where + " must be an object with channel, required, approvers, max_lifetime");
        POSTERN_TRY(rejectUnknown(node, where, {"channel", "required", "approvers", "max_lifetime"}));
        JsonFields f(node, where);
        workflow::ChannelRuleInput rule;
        POSTERN_ASSIGN(channelText, f.string("channel", 160));
        auto channel = domain::ChannelId::parse(channelText);
        if (!channel)
            return fail(channel.code(), where + ".channel: " + channel.error().message);
        rule.channel = *channel;
        POSTERN_ASSIGN(required, f.integer("required", 1, static_cast<std::int64_t>(domain::kMaxPolicyUsers)));
        rule.required = required;
        POSTERN_ASSIGN(approvers, f.array("approvers", domain::kMaxPolicyUsers));
        for (std::size_t k = 0; k < approvers->asArray().size(); ++k) {
            const Json& a = approvers->asArray()[k];
            if (a.type() != Json::Type::String || a.asString().empty())
                return fail(Errc::WrongType, where + ".approvers[" + std::to_string(k) + "] must be a user name");
            rule.approvers.push_back(a.asString());
        }
        if (static_cast<std::int64_t>(rule.approvers.size()) < rule.required)
            return fail(Errc::BadValue,
                        where + " requires " + std::to_string(rule.required) + " approval(s) but lists "
                            + std::to_string(rule.approvers.size()) + " approver(s)");
        POSTERN_ASSIGN(lifetime, readLifetime(f));
        if (lifetime < domain::kMinLifetime || lifetime > domain::kMaxLifetime)
            return fail(Errc::BadValue,
                        where + ".max_lifetime must be between 1m and 30d, not " + formatDuration(lifetime));
        rule.maxLifetime = lifetime;
        POSTERN_TRY(f.finish());
        for (const auto& earlier : rules) {
            if (earlier.channel == rule.channel)
                return fail(Errc::DuplicateField, where + " repeats channel " + rule.channel.str());
        }
        rules.push_back(std::move(rule));
    }
    return rules;
}

std::string approverNames(const domain::Policy& p, const domain::ChannelRule& rule)
{
    // The policy keeps approvers in key order; people read names in alphabetical order.
    std::vector<std::string> sorted;
    for (const auto& k : rule.approvers) {
        const domain::PolicyUser* u = p.userByKey(k);
        sorted.push_back(u ? u->name : domain::keyFingerprint(k));
    }
    std::sort(sorted.begin(), sorted.end());
    std::string names;
    for (const auto& n : sorted)
        names += (names.empty() ? "" : ", ") + n;
    return names.empty() ? std::string("nobody") : names;
}

void printChannels(const Context& ctx, const domain::Policy& p)
{
    ctx.out() << "channels\n";
    if (p.channels.empty())
        ctx.out() << "  (none: no post can be submitted until an admin runs `postern-cli policy set FILE`)\n";
    for (const auto& c : p.channels)
        ctx.out() << "  " << std::left << std::setw(32) << c.channel.str() << " " << c.required << " approval(s) from "
                  << approverNames(p, c) << "; bundles live at most " << formatDuration(c.maxLifetime) << "\n";
}

ExitCode runPolicySet(const Context& ctx)
{
    constexpr std::string_view kSynopsis = "postern-cli policy set FILE --as ADMIN";
    if (ctx.args.positionals.size() != 1)
        return usageError(ctx, "policy set takes exactly one FILE", kSynopsis);
    const std::string& file = ctx.args.positionals[0];
    auto text = readFileCapped(file, kMaxPolicyInputBytes);
    if (!text)
        return failWith(ctx, text.error());
    auto rules = parsePolicyInput(*text, file);
    if (!rules)
        return failWith(ctx,
                        rules.error(),
                        ExitCode::Usage,
                        "see `postern-cli policy --help` for the file format; nothing was changed");
    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    std::optional<workflow::UnlockedUser> admin;
    if (auto code = login(ctx, *ws, "policy set", admin))
        return *code;
    auto policy = ws->setPolicy(*admin, *rules);
    if (!policy) {
        // An approver who is not a user is a mistake in the file, not in the environment.
        if (policy.code() == Errc::NotFound)
            return failWith(ctx, policy.error(), ExitCode::Usage);
        return failWith(ctx, policy.error());
    }
    const auto& p = policy->policy;
    ctx.out() << "policy version " << p.version << " is in force, signed by " << admin->record.name << "\n";
    printChannels(ctx, p);
    ctx.out() << "Bundles carry the new version to the uploader, which accepts it because the previous version's\n"
                 "admins signed it; no new key ceremony is needed.\n";
    return ExitCode::Ok;
}

ExitCode runPolicyShow(const Context& ctx)
{
    if (!ctx.args.positionals.empty())
        return usageError(ctx, "policy show takes no argument", "postern-cli policy show");
    std::unique_ptr<workflow::Workstation> ws;
    if (auto code = openStore(ctx, ws))
        return *code;
    auto policy = ws->currentPolicy();
    if (!policy)
        return failWith(ctx, policy.error());
    const auto& p = policy->policy;
    ctx.out() << "policy version " << p.version << ", created " << formatUtc(p.created) << ", " << p.adminThreshold
              << " admin signature(s) needed to change it\n"
              << field("workstation") << domain::keyFingerprint(p.workstation) << "\n"
              << "users\n";
    std::vector<const domain::PolicyUser*> users;
    for (const auto& u : p.users)
        users.push_back(&u);
    std::sort(users.begin(), users.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
    for (const auto* u : users)
        ctx.out() << "  " << std::left << std::setw(20) << u->name << " " << std::setw(34)
                  << domain::formatRoles(u->roles) << " " << domain::keyFingerprint(u->key) << "\n";
    printChannels(ctx, p);
    return ExitCode::Ok;
}

} // namespace

ExitCode runPolicy(const Context& ctx)
{
    return ctx.args.command == "policy set" ? runPolicySet(ctx) : runPolicyShow(ctx);
}

} // namespace postern::cli
