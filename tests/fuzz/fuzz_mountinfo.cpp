// SPDX-License-Identifier: GPL-3.0-or-later
// /proc/self/mountinfo and /dev/disk/by-label names come from the kernel and udev, but a
// hostile drive chooses its own label and a user its own mount point names: both parsers must
// survive any bytes. Checks the invariants a success promises, not just the absence of crashes.
#include "postern/system/SystemInfo.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto mounts = postern::system::parseMountInfo(text);
    if (mounts) {
        for (const auto& m : *mounts) {
            if (m.mountPoint.empty() || m.mountPoint.front() != '/' || m.root.empty() || m.root.front() != '/'
                || m.mountPoint.find('\0') != std::string::npos)
                std::abort();
        }
    }
    auto label = postern::system::decodeUdevLabel(text.substr(0, 256));
    if (label && (label->empty() || label->find('\0') != std::string::npos))
        std::abort();
    return 0;
}
