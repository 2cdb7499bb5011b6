// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/store/SettingsRepository.h"

#include "StoreConnection.h"

namespace postern::store {

namespace {

Status checkKey(std::string_view key)
{
    if (key.empty() || key.size() > kMaxSettingKeyBytes)
        return fail(Errc::InvalidArgument, "a setting name is 1 to 64 characters of a-z, 0-9 and _");
    for (const char c : key) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return fail(Errc::InvalidArgument,
                        "setting name \"" + std::string(key) + "\" may contain only a-z, 0-9 and _");
    }
    return {};
}

} // namespace

Result<std::optional<SettingRecord>> SettingsRepository::get(std::string_view key)
{
    POSTERN_TRY(checkKey(key));
    POSTERN_ASSIGN(st, m_connection.db().prepare("SELECT key, value, updated_at FROM settings WHERE key = ?1"));
    st.bind(1, key);
    POSTERN_ASSIGN(row, st.step());
    if (!row)
        return std::optional<SettingRecord>();
    return std::optional<SettingRecord>(SettingRecord{st.columnText(0), st.columnText(1), st.columnInt(2)});
}

Status SettingsRepository::put(std::string_view key, std::string_view value, std::int64_t at)
{
    POSTERN_TRY(checkKey(key));
    POSTERN_TRY(checkText(value, "setting " + std::string(key), kMaxSettingValueBytes));
    Transaction tx(m_connection);
    POSTERN_TRY(tx.begin());
    {
        POSTERN_ASSIGN(st,
                       m_connection.db().prepare("INSERT INTO settings(key, value, updated_at) VALUES(?1, ?2, ?3) "
                                                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value, "
                                                 "updated_at = excluded.updated_at"));
        st.bind(1, key).bind(2, value).bind(3, at);
        POSTERN_TRY(st.run());
    }
    return tx.commit();
}

} // namespace postern::store
