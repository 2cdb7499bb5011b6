// SPDX-License-Identifier: GPL-3.0-or-later
// Help text generated from the definitions the parser reads. Only the prose around the lists
// (descriptions, examples, file formats) is written by hand, next to those definitions.
#include "postern/clikit/Help.h"

#include "postern/clikit/Parser.h"

#include <algorithm>

namespace postern::clikit {

namespace {

constexpr std::size_t kWidth = 94;    ///< about the width the hand-written prose keeps to
constexpr std::size_t kMaxLabel = 28; ///< a longer label gets a line of its own

using Rows = std::vector<std::pair<std::string, std::string>>;

/** labelWidth is the width of the label column: the longest label that is not too long. */
std::size_t labelWidth(const Rows& rows)
{
    std::size_t width = 0;
    for (const auto& row : rows) {
        if (row.first.size() <= kMaxLabel)
            width = std::max(width, row.first.size());
    }
    return width;
}

/** column renders "  label  text" lines: labels padded to one column, texts wrapped after it. */
std::string column(const Rows& rows, std::size_t labelWidth)
{
    const std::size_t indent = 2 + labelWidth + 2;
    std::string out;
    for (const auto& [label, text] : rows) {
        out += "  " + label;
        if (label.size() > labelWidth) {
            // Too long for the column: two spaces if the text still fits, else the next line.
            if (label.size() + 4 + std::min(text.size(), text.find('\n')) <= kWidth && label.size() <= kMaxLabel + 2) {
                out += "  ";
            } else {
                out += "\n" + std::string(indent, ' ');
            }
        } else {
            out += std::string(labelWidth - label.size() + 2, ' ');
        }
        out += wrap(text, indent, kWidth) + "\n";
    }
    return out;
}

std::string label(const OptionSpec& o)
{
    return "--" + o.name + (o.value.empty() ? std::string() : " " + o.value);
}

const GroupSpec* findGroup(const ProgramSpec& program, std::string_view name)
{
    for (const auto& g : program.groups) {
        if (g.name == name)
            return &g;
    }
    return nullptr;
}

/** paragraph appends pre-formatted text followed by a blank line, if there is any. */
void paragraph(std::string& out, const std::string& text)
{
    if (text.empty())
        return;
    out += text;
    if (text.back() != '\n')
        out += '\n';
    out += '\n';
}

} // namespace

std::string wrap(std::string_view text, std::size_t indent, std::size_t width)
{
    std::string out;
    std::size_t used = indent; // columns taken on the current line (the first line starts at indent too)
    bool fresh = true;         // nothing written on the current line yet
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '\n') {
            // A forced break keeps the spaces that start the next line (an indented example).
            ++i;
            const std::size_t spaces = std::min(text.find_first_not_of(' ', i), text.size()) - i;
            out += "\n" + std::string(indent + spaces, ' ');
            used = indent + spaces;
            fresh = true;
            i += spaces;
            continue;
        }
        if (text[i] == ' ') {
            ++i;
            continue;
        }
        std::size_t end = text.find_first_of(" \n", i);
        if (end == std::string_view::npos)
            end = text.size();
        const std::string_view word = text.substr(i, end - i);
        if (!fresh && used + 1 + word.size() > width) {
            out += "\n" + std::string(indent, ' ');
            used = indent;
            fresh = true;
        }
        if (!fresh) {
            out += ' ';
            ++used;
        }
        out += word;
        used += word.size();
        fresh = false;
        i = end;
    }
    return out;
}

std::string table(std::string_view title, const Rows& rows)
{
    return std::string(title) + ":\n" + column(rows, labelWidth(rows));
}

std::string optionList(std::string_view title, const std::vector<OptionSpec>& options)
{
    Rows rows;
    for (const auto& o : options)
        rows.emplace_back(label(o), o.help + (o.repeat ? "; repeatable" : ""));
    return table(title, rows);
}

std::string programHelp(const ProgramSpec& program)
{
    std::string out = "usage: " + program.name + " " + program.usage + "\n\n";
    paragraph(out, program.description);
    // One column for the whole list, section headings between the rows.
    Rows all;
    for (const auto& c : program.commands) {
        for (const auto& l : c.listed)
            all.emplace_back(l.synopsis, l.summary);
    }
    const std::size_t width = labelWidth(all);
    Rows rows;
    std::string section;
    const auto flush = [&] {
        if (!rows.empty())
            out += section + ":\n" + column(rows, width);
        rows.clear();
    };
    for (const auto& c : program.commands) {
        if (c.listed.empty())
            continue;
        if (c.section != section) {
            flush();
            section = c.section;
        }
        for (const auto& l : c.listed)
            rows.emplace_back(l.synopsis, l.summary);
    }
    flush();
    out += "\n" + optionList("global options", program.globals) + "\n";
    out += program.epilogue;
    return out;
}

std::optional<std::string> groupHelp(const ProgramSpec& program, std::string_view group)
{
    std::vector<const CommandSpec*> commands;
    for (const auto& c : program.commands) {
        if (groupName(c.name) == group)
            commands.push_back(&c);
    }
    if (commands.empty())
        return std::nullopt;
    std::string out;
    for (const auto* c : commands) {
        for (const auto& u : c->usage)
            out += (out.empty() ? "usage: " : "       ") + program.name + " " + u + "\n";
    }
    out += "\n";
    const GroupSpec* g = findGroup(program, group);
    if (g)
        paragraph(out, g->description);
    // Every option of the group once, in the order its commands declare them.
    std::vector<OptionSpec> options;
    for (const auto* c : commands) {
        for (const auto& o : c->options) {
            if (std::none_of(options.begin(), options.end(), [&](const OptionSpec& known) {
                    return known.name == o.name;
                }))
                options.push_back(o);
        }
    }
    if (!options.empty())
        out += optionList(g ? g->optionsTitle : std::string("options"), options) + "\n";
    if (g)
        paragraph(out, g->epilogue);
    // One final newline, as every help text ends.
    while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n')
        out.pop_back();
    return out;
}

} // namespace postern::clikit
