// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/domain/Channel.h"
#include "postern/uploader/publish/PublishTarget.h"

#include <map>

namespace postern::uploader {

/**
 * AdapterRegistry maps each platform to the adapter that publishes, reconciles and retracts on
 * it. It owns nothing: whoever fills it (PlatformAdapters for the network platforms, the
 * publish service for its outbox, tests for their fakes) keeps the adapters alive.
 */
class AdapterRegistry
{
public:
    /** set installs the adapter for a platform, replacing any; nullptr removes it. */
    void set(domain::Platform platform, PublishAdapter* adapter);
    /** find returns the platform's adapter, or nullptr when none is installed. */
    [[nodiscard]] PublishAdapter* find(domain::Platform platform) const;
    /** merge installs every adapter of `other`, replacing this registry's for the same platform. */
    void merge(const AdapterRegistry& other);

private:
    std::map<domain::Platform, PublishAdapter*> m_adapters;
};

} // namespace postern::uploader
