// SPDX-License-Identifier: GPL-3.0-or-later
// The monitoring report reader (docs/bundle-format.md §8.2) on arbitrary bytes. A report that
// reads must also write back to exactly its own bytes (canonical form, deterministic Ed25519),
// and admitting it must not fail for any reason but the three admission codes.
#include "postern/bundle/Report.h"

#include "FuzzCeremony.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto& c = postern::fuzz::instance();
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto report = postern::bundle::readReport(text, c.admin.publicKey());
    if (!report.ok())
        return 0;
    const auto again = postern::bundle::makeReport(report.value(), c.admin);
    if (!again.ok() || again.value() != text)
        std::abort();
    (void)postern::bundle::admitReport(report.value(), c.workstation.publicKey(), report->sequence / 2);
    return 0;
}
