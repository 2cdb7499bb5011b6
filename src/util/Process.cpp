// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/util/Process.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace postern {

Status hardenProcess()
{
    struct rlimit none
    {
        0, 0
    };
    if (::setrlimit(RLIMIT_CORE, &none) != 0)
        return fail(Errc::Internal, std::string("cannot disable core dumps: ") + std::strerror(errno));
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        return fail(Errc::Internal, std::string("cannot mark process non-dumpable: ") + std::strerror(errno));
    ::umask(077);
    return {};
}

bool coreDumpsDisabled()
{
    struct rlimit current
    {
    };
    if (::getrlimit(RLIMIT_CORE, &current) != 0)
        return false;
    return current.rlim_cur == 0 && current.rlim_max == 0 && ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0;
}

} // namespace postern
