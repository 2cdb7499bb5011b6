// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/uploader/net/AccountStore.h"
#include "postern/uploader/net/HttpClient.h"
#include "postern/uploader/platforms/x/XAdapter.h"
#include "postern/uploader/publish/AdapterRegistry.h"
#include "postern/uploader/publish/UploaderHome.h"

#include <memory>
#include <vector>

namespace postern::uploader {

/** AccountSecretKind is the one kind of secret a platform's account takes (`account add`). */
enum class AccountSecretKind {
    AppPassword, ///< --app-password-file: a password for this app only (Bluesky)
    Token,       ///< --token-file: a bearer access token (Mastodon)
    Credentials  ///< --credentials-file: an OAuth token answer as JSON, refreshable (TikTok, X)
};

/** AccountFacts is what `account add` needs to know about a platform's accounts. */
struct AccountFacts
{
    AccountSecretKind secret = AccountSecretKind::Credentials;
    std::string_view secretHolds;    ///< what the secret file must hold, for the hint
    std::string_view defaultService; ///< API base URL; "" where the operator must give --service
    std::string_view serviceExample; ///< hint when --service is missing: "--service https://..."
};

/**
 * PlatformAdapters is the one place that knows every network platform: it owns the HTTP
 * client, the account store and one adapter per platform for a run of publish, resume or watch,
 * and hands them to the publish service as an AdapterRegistry. Adding a platform adds one line
 * to its table (PlatformAdapters.cpp); the command line does not change.
 */
class PlatformAdapters
{
public:
    PlatformAdapters(UploaderHome& home, const Clock& clock);
    PlatformAdapters(const PlatformAdapters&) = delete;
    PlatformAdapters& operator=(const PlatformAdapters&) = delete;
    ~PlatformAdapters();

    /** platforms lists every network platform that has an adapter, in the table's order. */
    [[nodiscard]] static std::vector<domain::Platform> platforms();

    /** account is what `account add` needs for `platform`; nullptr for a platform without an
     *  adapter (the outbox). */
    [[nodiscard]] static const AccountFacts* account(domain::Platform platform) noexcept;

    /** registry maps each network platform to its adapter (valid while this object lives). */
    [[nodiscard]] const AdapterRegistry& registry() const noexcept { return m_registry; }
    /** xReads is what reconciling read on X in this run (X bills reads). */
    [[nodiscard]] XReads xReads() const;

private:
    HttpClient m_http;
    AccountStore m_accounts;
    std::vector<std::unique_ptr<PublishAdapter>> m_adapters;
    AdapterRegistry m_registry;
};

} // namespace postern::uploader
