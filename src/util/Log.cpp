// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/util/Log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <vector>

namespace postern {

namespace {

/**
 * SafeFormatter escapes the message of every log line before the pattern formats it. Log
 * messages carry outside strings (file names in a watched folder, platform answers, bundle
 * fields); a name holding "\n2026-01-01T00:00:00.000Z postern-uploader info: FORGED" once
 * planted a forged line in the log. Escaping here covers every call site, present and future.
 */
class SafeFormatter final : public spdlog::formatter
{
public:
    explicit SafeFormatter(std::unique_ptr<spdlog::formatter> inner) : m_inner(std::move(inner)) {}

    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override
    {
        const std::string safe = escapeForLog(std::string_view(msg.payload.data(), msg.payload.size()));
        spdlog::details::log_msg copy = msg;
        copy.payload = spdlog::string_view_t(safe.data(), safe.size());
        m_inner->format(copy, dest);
    }

    [[nodiscard]] std::unique_ptr<spdlog::formatter> clone() const override
    {
        return std::make_unique<SafeFormatter>(m_inner->clone());
    }

private:
    std::unique_ptr<spdlog::formatter> m_inner;
};

void appendEscaped(std::string& out, std::uint32_t cp)
{
    char buf[16];
    if (cp < 0x100)
        std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(cp));
    else
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
    out += buf;
}

} // namespace

std::string escapeForLog(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7f) {
            appendEscaped(out, c);
            ++i;
            continue;
        }
        if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        // Decode one UTF-8 sequence; a malformed byte is shown as \xNN rather than passed on.
        const std::size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
        std::uint32_t cp = len == 2 ? c & 0x1fu : len == 3 ? c & 0x0fu : c & 0x07u;
        bool ok = len != 0 && i + len <= text.size();
        for (std::size_t k = 1; ok && k < len; ++k) {
            const auto cc = static_cast<unsigned char>(text[i + k]);
            ok = (cc & 0xc0) == 0x80;
            cp = (cp << 6) | (cc & 0x3fu);
        }
        ok = ok && !(len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) && !(len == 4 && (cp < 0x10000 || cp > 0x10ffff));
        if (!ok) {
            appendEscaped(out, c);
            ++i;
            continue;
        }
        // C1 controls, line and paragraph separators and bidirectional overrides can also make
        // one line read as another on a terminal.
        const bool hidden = (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e)
                            || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f || cp == 0x061c;
        if (hidden)
            appendEscaped(out, cp);
        else
            out.append(text.substr(i, len));
        i += len;
    }
    return out;
}

Status initLogging(const std::string& programName, const LogOptions& options)
{
    const auto level = spdlog::level::from_str(options.level);
    if (level == spdlog::level::off && options.level != "off")
        return fail(Errc::InvalidArgument,
                    "unknown log level \"" + options.level
                        + "\"; use trace, debug, info, warn, error, critical or off");
    std::vector<spdlog::sink_ptr> sinks;
    try {
        if (options.console)
            sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
        if (!options.file.empty())
            sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(options.file.string(),
                                                                                   options.maxFileBytes,
                                                                                   options.maxFiles));
    } catch (const spdlog::spdlog_ex& e) {
        return fail(Errc::Io, std::string("cannot open log file: ") + e.what());
    }
    auto logger = std::make_shared<spdlog::logger>(programName, sinks.begin(), sinks.end());
    logger->set_level(level);
    logger->set_formatter(std::make_unique<SafeFormatter>(std::make_unique<spdlog::pattern_formatter>(
        "%Y-%m-%dT%H:%M:%S.%eZ %n %l: %v", spdlog::pattern_time_type::utc)));
    // Info and above reach the file at once: a process killed mid-run (power loss, SIGKILL,
    // the OOM killer) keeps the lines that say how far it got. Info lines are few (one per
    // bundle, target or order); trace and debug stay buffered.
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
    return {};
}

} // namespace postern
