// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/uploader/net/AccountSessions.h"

#include "postern/uploader/net/HttpClient.h"

namespace postern::uploader {

AccountSessions::AccountSessions(AccountStore& accounts, std::string addOptions, Requirement requirement)
    : m_accounts(accounts), m_addOptions(std::move(addOptions)), m_requirement(std::move(requirement))
{
}

Result<Account*> AccountSessions::open(const std::string& channel)
{
    if (auto it = m_open.find(channel); it != m_open.end())
        return &it->second;
    POSTERN_ASSIGN(loaded, m_accounts.load(channel));
    if (!loaded)
        return fail(Errc::NotFound,
                    "there is no account for " + channel + "; add it with `postern-uploader account add " + channel
                        + " " + m_addOptions + "`, then run `postern-uploader resume`");
    // Checked before the account is used, so no request ever goes to a URL the client refuses.
    POSTERN_TRY(HttpClient::checkUrl(loaded->service));
    if (m_requirement)
        POSTERN_TRY(m_requirement(*loaded));
    auto [it, inserted] = m_open.emplace(channel, std::move(*loaded));
    (void)inserted;
    return &it->second;
}

} // namespace postern::uploader
