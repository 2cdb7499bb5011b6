// SPDX-License-Identifier: GPL-3.0-or-later
// The parser: Words.cpp splits the line, CLI11 places the command words and options, and this
// file turns what CLI11 could not place into one message.
#include "postern/clikit/Parser.h"

#include "Words.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cassert>
#include <set>

namespace postern::clikit {

namespace {

/** joinOr renders "add, list or remove". */
std::string joinOr(const std::vector<std::string>& words)
{
    std::string s;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0)
            s += i + 1 == words.size() ? " or " : ", ";
        s += words[i];
    }
    return s;
}

std::string_view subName(std::string_view command)
{
    const auto space = command.find(' ');
    return space == std::string_view::npos ? std::string_view() : command.substr(space + 1);
}

void addOptions(CLI::App& app, const std::vector<OptionSpec>& options)
{
    for (const auto& o : options) {
        if (app.get_option_no_throw("--" + o.name) != nullptr)
            continue; // a group's sub-commands may share an option; the first definition wins
        if (o.value.empty())
            app.add_flag("--" + o.name);
        else
            app.add_option("--" + o.name)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    }
}

/**
 * buildApp mirrors the program in CLI11: global options on the root, one subcommand per group,
 * one per sub-command below it. Extras are allowed so that CLI11 hands back what it could not
 * place instead of throwing with its own wording; at most one subcommand per level, so a word
 * after the command never selects a second one.
 */
void buildApp(CLI::App& app, const ProgramSpec& program)
{
    app.set_help_flag(); // --help is one of the program's global options, handled by the caller
    app.allow_extras();
    app.fallthrough(); // inherited by every subcommand: global options also after the command
    app.require_subcommand(0, 1);
    addOptions(app, program.globals);
    std::map<std::string, CLI::App*, std::less<>> groups;
    for (const auto& c : program.commands) {
        const std::string group(groupName(c.name));
        CLI::App*& g = groups[group];
        if (g == nullptr)
            g = app.add_subcommand(group);
        const std::string sub(subName(c.name));
        if (sub.empty()) {
            addOptions(*g, c.options);
            continue;
        }
        addOptions(*g->add_subcommand(sub), c.options);
    }
}

/** firstOptionExtra is the first option CLI11 could not place ("--reason", "--reason=x"), or "". */
std::string firstOptionExtra(const CLI::App& app)
{
    for (const auto& extra : app.remaining(true)) {
        if (extra.rfind("--", 0) == 0 && extra.size() > 2)
            return extra.substr(2, extra.find('=') == std::string::npos ? std::string::npos : extra.find('=') - 2);
    }
    return {};
}

} // namespace

std::string_view groupName(std::string_view command)
{
    return command.substr(0, command.find(' '));
}

Parser::Parser(const ProgramSpec& program) : m_program(program)
{
    const auto add = [this](const OptionSpec& o) {
        const bool takesValue = !o.value.empty();
        const auto [it, inserted] = m_takesValue.emplace(o.name, takesValue);
        // One name, one meaning: the words are split before the command is known.
        assert(inserted || it->second == takesValue);
        (void)inserted;
        (void)it;
    };
    for (const auto& o : program.globals)
        add(o);
    for (const auto& c : program.commands) {
        for (const auto& o : c.options)
            add(o);
    }
}

bool Parser::isGroup(std::string_view word) const
{
    return std::any_of(m_program.commands.begin(), m_program.commands.end(), [&](const CommandSpec& c) {
        return groupName(c.name) == word;
    });
}

std::vector<std::string> Parser::subCommandsOf(std::string_view group) const
{
    std::vector<std::string> subs;
    for (const auto& c : m_program.commands) {
        if (groupName(c.name) == group && !subName(c.name).empty())
            subs.emplace_back(subName(c.name));
    }
    return subs;
}

std::string Parser::groupOf(const std::vector<std::string>& argv) const
{
    auto words = splitWords(argv, m_takesValue, false);
    if (!words || words->plain.empty() || !isGroup(words->plain.front()))
        return {};
    return words->plain.front();
}

Result<Arguments> Parser::parse(const std::vector<std::string>& argv) const
{
    POSTERN_ASSIGN(words, splitWords(argv, m_takesValue, true));
    Arguments out;
    // The command words lead what CLI11 sees, then every option as "--name value": options
    // may stand before the command, and no positional word can pass for an option.
    std::vector<std::string> input;
    std::size_t used = 0;
    if (!words.plain.empty()) {
        out.group = words.plain[0];
        input.push_back(out.group);
        used = 1;
        if (words.plain.size() > 1 && !subCommandsOf(out.group).empty()) {
            input.push_back(words.plain[1]);
            used = 2;
        }
    }
    for (const auto& o : words.options) {
        input.push_back("--" + o.name);
        if (o.takesValue)
            input.push_back(o.value);
    }
    out.positionals.assign(words.plain.begin() + static_cast<std::ptrdiff_t>(used), words.plain.end());

    CLI::App app;
    const CLI::App* command = &app; // the deepest command CLI11 selected
    try {
        buildApp(app, m_program);
        std::reverse(input.begin(), input.end()); // CLI11 takes its arguments last first
        app.parse(std::move(input));
        while (!command->get_subcommands().empty())
            command = command->get_subcommands().front();
    } catch (const CLI::Error& e) {
        // Not expected: the words were checked above and extras are allowed. Say what CLI11 said.
        return fail(Errc::InvalidArgument, std::string("cannot read the command line: ") + e.what());
    }

    const bool help =
        std::any_of(words.options.begin(), words.options.end(), [](const OptionWord& o) { return o.name == "help"; });
    const auto subs = subCommandsOf(out.group);
    if (!out.group.empty() && command == &app)
        return fail(Errc::InvalidArgument, "unknown command \"" + out.group + "\"");
    if (!subs.empty() && used == 2 && command->get_parent() == &app)
        return fail(Errc::InvalidArgument,
                    "unknown command \"" + out.group + " " + words.plain[1] + "\"; use " + out.group + " "
                        + joinOr(subs));
    if (!subs.empty() && used == 1 && !help)
        return fail(Errc::InvalidArgument, out.group + " needs a sub-command: " + joinOr(subs));
    if (command != &app && (subs.empty() || used == 2))
        out.command = subs.empty() ? out.group : out.group + " " + words.plain[1];

    if (const std::string extra = firstOptionExtra(app); !extra.empty() && !help) {
        if (out.command.empty())
            return fail(Errc::InvalidArgument, "option --" + extra + " needs a command");
        return fail(Errc::InvalidArgument, "option --" + extra + " does not apply to `" + out.command + "`");
    }

    // The options in command-line order, with the values CLI11 collected for each.
    std::set<std::string> seen;
    std::map<std::string, std::size_t> next;
    for (const auto& o : words.options) {
        const CLI::Option* option = command->get_option_no_throw("--" + o.name);
        if (option == nullptr)
            option = app.get_option_no_throw("--" + o.name);
        if (option == nullptr || next[o.name] >= option->results().size())
            continue; // did not apply, which only --help allows
        const std::string& value = option->results()[next[o.name]++];
        const bool repeatable = std::any_of(m_program.commands.begin(), m_program.commands.end(), [&](const auto& c) {
            return c.name == out.command && std::any_of(c.options.begin(), c.options.end(), [&](const OptionSpec& s) {
                       return s.name == o.name && s.repeat;
                   });
        });
        if (!seen.insert(o.name).second && !repeatable)
            return fail(Errc::InvalidArgument, "option --" + o.name + " is given twice");
        out.options.emplace_back(o.name, o.takesValue ? value : std::string());
    }
    return out;
}

} // namespace postern::clikit
