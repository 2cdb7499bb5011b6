// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/uploader/net/AccountStore.h"

#include <functional>
#include <map>
#include <string>

namespace postern::uploader {

/**
 * AccountSessions opens each account an adapter publishes with once per run and keeps it open,
 * so a session or token refreshed by one request is what the next one uses (the adapter saves
 * refreshed secrets through AccountStore; this cache only spares the unsealing and keeps the
 * Account object stable). Every adapter owns one; channels name their platform, so two adapters
 * never share an entry.
 */
class AccountSessions
{
public:
    /** Requirement is a platform's own check on a loaded account (a token, a client secret). */
    using Requirement = std::function<Status(const Account&)>;

    /**
     * addOptions are the `account add` options the platform needs, quoted in the "no account"
     * message (for example "--handle NAME --token-file FILE --service https://INSTANCE").
     */
    AccountSessions(AccountStore& accounts, std::string addOptions, Requirement requirement = {});

    /**
     * open returns the channel's account, loaded and checked on first use: not-found (with the
     * command that adds it) if there is none, the URL check's error for a bad service URL, and
     * the requirement's error. A failure is not cached: the next call asks the ledger again.
     */
    [[nodiscard]] Result<Account*> open(const std::string& channel);

private:
    AccountStore& m_accounts;
    std::string m_addOptions;
    Requirement m_requirement;
    std::map<std::string, Account> m_open; ///< accounts opened in this run (sessions cached)
};

} // namespace postern::uploader
