// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/uploader/ledger/Ledger.h"
#include "postern/uploader/publish/AdapterRegistry.h"
#include "postern/util/Clock.h"

#include <optional>
#include <string>
#include <vector>

namespace postern::uploader {

/** CollectedTarget is what one run read back for one published target, for the printout and the report. */
struct CollectedTarget
{
    MonitoredTarget monitored;
    std::optional<CountsRecord> counts; ///< read in this run; nullopt: not read (note says why)
    std::size_t repliesRead = 0;        ///< replies the platform returned
    std::size_t repliesNew = 0;         ///< of which seen for the first time (stored)
    bool read = false;                  ///< the platform answered (counts or replies)
    std::string note;                   ///< plain text: what the platform does not give, or why nothing was read
};

/**
 * ReportCollector reads back every published target in a window through each platform's
 * PublishAdapter::collect and stores what it read in the ledger (ledger v6). It is the one place
 * where platform strings become plain text: every string an adapter returns goes through
 * makePlainText/makePlainLine with the report's caps (bundle/Report.h) before it is stored, so
 * the ledger, the printout and the signed report hold nothing else. No network here: adapters
 * reach the platforms, as for publishing (docs/architecture.md).
 */
class ReportCollector
{
public:
    ReportCollector(Ledger& ledger, const AdapterRegistry& adapters, const Clock& clock)
        : m_ledger(ledger), m_adapters(adapters), m_clock(clock)
    {
    }

    /**
     * collect reads every target published in the last `windowSeconds` (> 0) and records each
     * read. A platform's failure for one target is that target's note, not an error of the run;
     * an error is the ledger's.
     */
    [[nodiscard]] Result<std::vector<CollectedTarget>> collect(std::int64_t windowSeconds);

private:
    [[nodiscard]] Status collectOne(CollectedTarget& out);

    Ledger& m_ledger;
    const AdapterRegistry& m_adapters;
    const Clock& m_clock;
};

} // namespace postern::uploader
