// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/uploader/platforms/PlatformAdapters.h"

#include "postern/uploader/platforms/bluesky/BlueskyAdapter.h"
#include "postern/uploader/platforms/mastodon/MastodonAdapter.h"
#include "postern/uploader/platforms/tiktok/TikTokAdapter.h"

namespace postern::uploader {

namespace {

/** What every adapter is made from in a run. */
struct AdapterParts
{
    UploaderHome& home;
    AccountStore& accounts;
    HttpClient& http;
    const Clock& clock;
};

/** PlatformEntry makes one platform's adapter. */
struct PlatformEntry
{
    domain::Platform platform;
    AccountFacts account;
    std::unique_ptr<PublishAdapter> (*make)(const AdapterParts& parts);
};

constexpr std::string_view kOAuthHolds = "the OAuth token answer as JSON, with client_id (and client_secret) added";

/** TikTok restarts an attempt TikTok proved dead through the ledger (Ledger::restartSent). */
TikTokOptions tiktokOptions(UploaderHome& home)
{
    TikTokOptions o;
    o.ledger = &home.ledger();
    return o;
}

// Every network platform, once. The outbox is not here: the publish service always has it.
const PlatformEntry kPlatforms[] = {
    {domain::Platform::Bluesky,
     {AccountSecretKind::AppPassword,
      "an app password (Settings > Privacy and security > App passwords)",
      "",
      "give the PDS base URL, e.g. --service https://bsky.social"},
     [](const AdapterParts& p) -> std::unique_ptr<PublishAdapter> {
         return std::make_unique<BlueskyAdapter>(p.accounts, p.http, p.clock);
     }},
    {domain::Platform::Mastodon,
     {AccountSecretKind::Token,
      "an access token with the scopes write:statuses, write:media, read:statuses and read:accounts",
      "",
      "give the instance URL, e.g. --service https://mastodon.social"},
     [](const AdapterParts& p) -> std::unique_ptr<PublishAdapter> {
         return std::make_unique<MastodonAdapter>(p.accounts, p.http, p.clock);
     }},
    {domain::Platform::TikTok,
     {AccountSecretKind::Credentials, kOAuthHolds, "https://open.tiktokapis.com", ""},
     [](const AdapterParts& p) -> std::unique_ptr<PublishAdapter> {
         return std::make_unique<TikTokAdapter>(p.accounts, p.http, p.clock, tiktokOptions(p.home));
     }},
    {domain::Platform::X,
     {AccountSecretKind::Credentials, kOAuthHolds, "https://api.x.com", ""},
     [](const AdapterParts& p) -> std::unique_ptr<PublishAdapter> {
         return std::make_unique<XAdapter>(p.accounts, p.http, p.clock);
     }},
};

} // namespace

PlatformAdapters::PlatformAdapters(UploaderHome& home, const Clock& clock)
    : m_accounts(home.ledger(), home.layout().hostKey, clock)
{
    const AdapterParts parts{home, m_accounts, m_http, clock};
    for (const auto& entry : kPlatforms) {
        m_adapters.push_back(entry.make(parts));
        m_registry.set(entry.platform, m_adapters.back().get());
    }
}

PlatformAdapters::~PlatformAdapters() = default;

std::vector<domain::Platform> PlatformAdapters::platforms()
{
    std::vector<domain::Platform> out;
    for (const auto& entry : kPlatforms)
        out.push_back(entry.platform);
    return out;
}

const AccountFacts* PlatformAdapters::account(domain::Platform platform) noexcept
{
    for (const auto& entry : kPlatforms) {
        if (entry.platform == platform)
            return &entry.account;
    }
    return nullptr;
}

XReads PlatformAdapters::xReads() const
{
    const auto* x = dynamic_cast<const XAdapter*>(m_registry.find(domain::Platform::X));
    return x ? x->billedReads() : XReads{};
}

} // namespace postern::uploader
