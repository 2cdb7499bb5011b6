// SPDX-License-Identifier: GPL-3.0-or-later
// The command table and the parser. Help texts live in HelpText.cpp.
#include "CommandLine.h"

#include <algorithm>

namespace postern::cli {

namespace {

/** OptionSpec is one long option known anywhere; whether a command accepts it is separate. */
struct OptionSpec
{
    std::string_view name; ///< without the leading "--"
    bool takesValue = false;
};

constexpr OptionSpec kOptions[] = {
    // global
    {"store", true},
    {"passphrase-file", true},
    {"new-passphrase-file", true},
    {"kdf", true},
    {"as", true},
    {"log-level", true},
    {"log-file", true},
    {"help", false},
    {"version", false},
    // command options
    {"name", true},
    {"admin", true},
    {"roles", true},
    {"fingerprint", true},
    {"channel", true},
    {"text", true},
    {"text-file", true},
    {"channel-text", true},
    {"option", true},
    {"media", true},
    {"alt", true},
    {"schedule", true},
    {"reason", true},
    {"state", true},
    {"search", true},
    {"limit", true},
    {"json", false},
    {"out", true},
    {"lifetime", true},
    {"all-approved", false},
    {"order", true},
    {"bundle", true},
};

constexpr std::string_view kGlobal[] =
    {"store", "passphrase-file", "new-passphrase-file", "kdf", "as", "log-level", "log-file", "help", "version"};

/** Allowed is one option a command accepts; `repeat` lets it appear more than once. */
struct Allowed
{
    std::string_view name;
    bool repeat = false;
};

struct CommandSpec
{
    std::string_view command; ///< "group" or "group sub"
    std::vector<Allowed> options;
};

const std::vector<Allowed>& draftOptions()
{
    static const std::vector<Allowed> kDraft = {{"channel", true},
                                                {"text"},
                                                {"text-file"},
                                                {"channel-text", true},
                                                {"option", true},
                                                {"media", true},
                                                {"alt", true},
                                                {"schedule"}};
    return kDraft;
}

const std::vector<CommandSpec>& commands()
{
    static const std::vector<CommandSpec> kCommands = {
        {"init", {{"name"}, {"admin"}}},
        {"user add", {{"roles"}}},
        {"user list", {{"json"}}},
        {"user roles", {}},
        {"user disable", {}},
        {"user rotate-key", {}},
        {"passphrase change", {}},
        {"uploader trust", {{"fingerprint"}}},
        {"identity export", {}},
        {"policy set", {}},
        {"policy show", {}},
        {"draft new", draftOptions()},
        {"draft edit", draftOptions()},
        {"submit", {}},
        {"approve", {}},
        {"reject", {{"reason"}}},
        {"list", {{"state"}, {"channel"}, {"search"}, {"limit"}, {"json"}}},
        {"show", {{"json"}}},
        {"export", {{"out"}, {"lifetime"}, {"all-approved"}, {"order", true}}},
        {"receipt import", {}},
        {"audit verify", {}},
        {"audit list", {{"limit"}}},
        {"backup", {}},
        {"restore", {}},
        {"check", {}},
        {"opsec list", {}},
        {"opsec set", {}},
        {"profile import", {}},
        {"profile show", {}},
        {"order cancel", {{"channel", true}, {"reason"}, {"bundle"}}},
        {"order retract", {{"channel", true}, {"reason"}, {"bundle"}}},
        {"order approve", {}},
        {"order decline", {{"reason"}}},
        {"order withdraw", {}},
        {"order list", {{"state"}}},
        {"order show", {}},
    };
    return kCommands;
}

const OptionSpec* findOption(std::string_view name)
{
    for (const auto& o : kOptions) {
        if (o.name == name)
            return &o;
    }
    return nullptr;
}

const CommandSpec* findCommand(std::string_view command)
{
    for (const auto& c : commands()) {
        if (c.command == command)
            return &c;
    }
    return nullptr;
}

/** subCommandsOf lists "add, list" for "user", or "" when the group is a single command. */
std::vector<std::string_view> subCommandsOf(std::string_view group)
{
    std::vector<std::string_view> subs;
    for (const auto& c : commands()) {
        const auto space = c.command.find(' ');
        if (space != std::string_view::npos && c.command.substr(0, space) == group)
            subs.push_back(c.command.substr(space + 1));
    }
    return subs;
}

bool isKnownGroup(std::string_view group)
{
    return findCommand(group) != nullptr || !subCommandsOf(group).empty();
}

std::string joinOr(const std::vector<std::string_view>& words)
{
    std::string s;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0)
            s += i + 1 == words.size() ? " or " : ", ";
        s += words[i];
    }
    return s;
}

} // namespace

std::string groupOf(const std::vector<std::string>& argv)
{
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (a == "--")
            return i + 1 < argv.size() && isKnownGroup(argv[i + 1]) ? argv[i + 1] : std::string();
        if (a.rfind("--", 0) != 0)
            return isKnownGroup(a) ? a : std::string();
        const OptionSpec* spec = findOption(a.substr(2));
        if (spec && spec->takesValue)
            ++i; // "--name value": skip the value ("--name=value" has no separate one)
    }
    return {};
}

bool Arguments::has(std::string_view name) const
{
    return std::any_of(options.begin(), options.end(), [&](const auto& o) { return o.first == name; });
}

const std::string* Arguments::value(std::string_view name) const
{
    const std::string* found = nullptr;
    for (const auto& o : options) {
        if (o.first == name)
            found = &o.second;
    }
    return found;
}

std::vector<std::string> Arguments::values(std::string_view name) const
{
    std::vector<std::string> out;
    for (const auto& o : options) {
        if (o.first == name)
            out.push_back(o.second);
    }
    return out;
}

Result<Arguments> parseCommandLine(const std::vector<std::string>& argv)
{
    Arguments out;
    std::vector<std::string> words;
    bool optionsEnded = false;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (!optionsEnded && a == "--") {
            optionsEnded = true;
            continue;
        }
        if (optionsEnded || a.rfind("--", 0) != 0) {
            words.push_back(a);
            continue;
        }
        const auto eq = a.find('=');
        const std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        const OptionSpec* spec = findOption(name);
        if (!spec)
            return fail(Errc::InvalidArgument, "unknown option --" + name);
        if (!spec->takesValue) {
            if (eq != std::string::npos)
                return fail(Errc::InvalidArgument, "option --" + name + " takes no value");
            out.options.emplace_back(name, std::string());
            continue;
        }
        if (eq != std::string::npos) {
            out.options.emplace_back(name, a.substr(eq + 1));
        } else {
            if (i + 1 >= argv.size())
                return fail(Errc::InvalidArgument, "option --" + name + " needs a value");
            out.options.emplace_back(name, argv[++i]);
        }
    }

    // The command: one word, or a group and its sub-command.
    std::size_t used = 0;
    if (!words.empty()) {
        out.group = words[0];
        used = 1;
        if (!isKnownGroup(out.group))
            return fail(Errc::InvalidArgument, "unknown command \"" + out.group + "\"");
        const auto subs = subCommandsOf(out.group);
        if (subs.empty()) {
            out.command = out.group;
        } else if (words.size() < 2) {
            // `postern-cli user --help` shows the group's help; without --help it is an error.
            out.command.clear();
        } else {
            if (std::find(subs.begin(), subs.end(), words[1]) == subs.end())
                return fail(Errc::InvalidArgument,
                            "unknown command \"" + out.group + " " + words[1] + "\"; use " + out.group + " "
                                + joinOr(subs));
            out.command = out.group + " " + words[1];
            used = 2;
        }
    }
    out.positionals.assign(words.begin() + static_cast<std::ptrdiff_t>(used), words.end());

    const bool help = out.has("help");
    if (!out.group.empty() && out.command.empty() && !help)
        return fail(Errc::InvalidArgument, out.group + " needs a sub-command: " + joinOr(subCommandsOf(out.group)));

    // Check each option against the command; skip when only help was asked for.
    const CommandSpec* command = findCommand(out.command);
    for (std::size_t i = 0; i < out.options.size(); ++i) {
        const std::string& name = out.options[i].first;
        const bool global = std::find(std::begin(kGlobal), std::end(kGlobal), name) != std::end(kGlobal);
        const Allowed* allowed = nullptr;
        if (command) {
            for (const auto& a : command->options) {
                if (a.name == name)
                    allowed = &a;
            }
        }
        if (!global && !allowed) {
            if (help)
                continue;
            if (out.command.empty())
                return fail(Errc::InvalidArgument, "option --" + name + " needs a command");
            return fail(Errc::InvalidArgument, "option --" + name + " does not apply to `" + out.command + "`");
        }
        const bool repeatable = allowed && allowed->repeat;
        if (!repeatable) {
            for (std::size_t j = 0; j < i; ++j) {
                if (out.options[j].first == name)
                    return fail(Errc::InvalidArgument, "option --" + name + " is given twice");
            }
        }
    }
    return out;
}

} // namespace postern::cli
