// SPDX-License-Identifier: GPL-3.0-or-later
#include "StoreConnection.h"

namespace postern::store {

Transaction::~Transaction()
{
    if (m_level == 0)
        return;
    if (m_level == 1) {
        m_connection.m_db.rollback();
    } else {
        // ROLLBACK TO undoes the savepoint's work but keeps it open; RELEASE then pops it so
        // the enclosing transaction continues as if this one never ran.
        const std::string name = savepointName();
        (void)m_connection.m_db.exec("ROLLBACK TO " + name);
        (void)m_connection.m_db.exec("RELEASE " + name);
    }
    m_connection.m_depth = m_level - 1;
    m_level = 0;
}

std::string Transaction::savepointName() const
{
    return "postern_sp" + std::to_string(m_level);
}

Status Transaction::begin()
{
    if (m_level != 0)
        return fail(Errc::Internal, "transaction begun twice");
    const int level = m_connection.m_depth + 1;
    if (level == 1) {
        POSTERN_TRY(m_mode == Mode::Write ? m_connection.m_db.begin() : m_connection.m_db.exec("BEGIN"));
    } else {
        POSTERN_TRY(m_connection.m_db.exec("SAVEPOINT postern_sp" + std::to_string(level)));
    }
    m_level = level;
    m_connection.m_depth = level;
    return {};
}

Status Transaction::commit()
{
    if (m_level == 0)
        return fail(Errc::Internal, "commit of a transaction that is not open");
    if (m_connection.m_depth != m_level)
        return fail(Errc::Internal, "transactions committed out of order");
    if (m_level == 1) {
        POSTERN_TRY(m_connection.m_db.commit());
    } else {
        POSTERN_TRY(m_connection.m_db.exec("RELEASE " + savepointName()));
    }
    m_connection.m_depth = m_level - 1;
    m_level = 0;
    return {};
}

Error corruptRow(std::string_view table, std::string_view what)
{
    return fail(Errc::Internal,
                "the store's " + std::string(table) + " table is damaged (" + std::string(what)
                    + "); restore postern.db from a backup and run `postern-cli audit verify`");
}

bool isLowerHex(std::string_view text, std::size_t digits) noexcept
{
    if (text.size() != digits)
        return false;
    for (const char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

std::size_t codePoints(std::string_view utf8) noexcept
{
    std::size_t n = 0;
    for (const char c : utf8) {
        // Count every byte that is not a continuation byte (10xxxxxx).
        if ((static_cast<unsigned char>(c) & 0xC0u) != 0x80u)
            ++n;
    }
    return n;
}

std::string truncateCodePoints(std::string_view utf8, std::size_t max)
{
    std::size_t seen = 0;
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        if ((static_cast<unsigned char>(utf8[i]) & 0xC0u) != 0x80u) {
            if (seen == max)
                return std::string(utf8.substr(0, i));
            ++seen;
        }
    }
    return std::string(utf8);
}

Status checkText(std::string_view text, std::string_view field, std::size_t maxBytes)
{
    if (text.size() > maxBytes)
        return fail(Errc::InvalidArgument,
                    std::string(field) + " is longer than " + std::to_string(maxBytes) + " bytes");
    if (!isValidUtf8(text) || text.find('\0') != std::string_view::npos)
        return fail(Errc::InvalidArgument, std::string(field) + " is not valid UTF-8 text");
    return {};
}

std::string escapeLike(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (c == '%' || c == '_' || c == '\\')
            out.push_back('\\');
        out.push_back(c);
    }
    return out;
}

} // namespace postern::store
