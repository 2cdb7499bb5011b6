// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/util/Log.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <vector>

namespace postern {

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
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %n %l: %v", spdlog::pattern_time_type::utc);
    // Info and above reach the file at once: a process killed mid-run (power loss, SIGKILL,
    // the OOM killer) keeps the lines that say how far it got. Info lines are few (one per
    // bundle, target or order); trace and debug stay buffered.
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
    return {};
}

} // namespace postern
