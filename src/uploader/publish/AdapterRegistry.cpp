// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/uploader/publish/AdapterRegistry.h"

namespace postern::uploader {

void AdapterRegistry::set(domain::Platform platform, PublishAdapter* adapter)
{
    if (adapter)
        m_adapters[platform] = adapter;
    else
        m_adapters.erase(platform);
}

PublishAdapter* AdapterRegistry::find(domain::Platform platform) const
{
    const auto it = m_adapters.find(platform);
    return it == m_adapters.end() ? nullptr : it->second;
}

void AdapterRegistry::merge(const AdapterRegistry& other)
{
    for (const auto& [platform, adapter] : other.m_adapters)
        m_adapters[platform] = adapter;
}

} // namespace postern::uploader
