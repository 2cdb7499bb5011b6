// SPDX-License-Identifier: GPL-3.0-or-later
// The OAuth credentials file of `account add` (TikTok and X): strict, capped, named errors.
#include "postern/uploader/net/AccountCredentials.h"

#include "postern/util/Json.h"
#include "postern/util/Checked.h"

#include <algorithm>
#include <cctype>

namespace postern::uploader {

namespace {

constexpr std::size_t kMaxTokenBytes = 8192;
constexpr std::int64_t kMaxLifetime = std::int64_t{10} * 366 * 24 * 3600; // ten years

Result<std::string> optionalString(JsonFields& f, std::string_view key, std::size_t maxBytes)
{
    if (!f.has(key))
        return std::string();
    return f.string(key, maxBytes);
}

Result<std::int64_t> optionalExpiry(JsonFields& f, std::string_view key, std::int64_t now)
{
    if (!f.has(key))
        return std::int64_t{0};
    POSTERN_ASSIGN(seconds, f.integer(key, 1, kMaxLifetime));
    // seconds is 1 .. ten years; the sum saturates (a token that counts as long-lived) rather than
    // overflowing when `now` is within ten years of the int64 limit.
    return saturatingAdd(now, seconds);
}

Status requireNonEmpty(const std::string& value, std::string_view key)
{
    if (value.empty())
        return fail(Errc::BadValue,
                    "the credentials file has an empty \"" + std::string(key)
                        + "\"; copy the value from the platform's token answer");
    return {};
}

} // namespace

Result<AccountSecrets> parseCredentials(std::string_view text, std::int64_t now)
{
    if (text.size() > kMaxCredentialsFileBytes)
        return fail(Errc::TooLarge, "the credentials file is larger than 64 KiB; it should hold one token answer");
    POSTERN_ASSIGN(doc, parseForeignJson(text, JsonLimits{kMaxCredentialsFileBytes, 2, 64, kMaxTokenBytes}));
    if (!doc.isObject())
        return fail(Errc::Syntax, "the credentials file must hold one JSON object");
    JsonFields f(doc, "credentials file");
    AccountSecrets s;
    POSTERN_ASSIGN(access, f.string("access_token", kMaxTokenBytes));
    POSTERN_ASSIGN(clientId, f.string("client_id", 1024));
    POSTERN_ASSIGN(clientSecret, optionalString(f, "client_secret", 1024));
    POSTERN_ASSIGN(accessExpires, optionalExpiry(f, "expires_in", now));
    POSTERN_ASSIGN(openId, optionalString(f, "open_id", 1024));
    POSTERN_ASSIGN(refreshExpires, optionalExpiry(f, "refresh_expires_in", now));
    POSTERN_ASSIGN(refresh, f.string("refresh_token", kMaxTokenBytes));
    POSTERN_ASSIGN(scope, optionalString(f, "scope", 4096));
    POSTERN_ASSIGN(tokenType, optionalString(f, "token_type", 64));
    POSTERN_ASSIGN(userId, optionalString(f, "user_id", 1024));
    POSTERN_TRY(f.finish());
    POSTERN_TRY(requireNonEmpty(access, "access_token"));
    POSTERN_TRY(requireNonEmpty(clientId, "client_id"));
    POSTERN_TRY(requireNonEmpty(refresh, "refresh_token"));
    std::string type = tokenType;
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!type.empty() && type != "bearer")
        return fail(Errc::BadValue,
                    "the credentials file's token_type is \"" + tokenType
                        + "\", but Postern needs a bearer token (OAuth 2.0 user context)");
    if (!openId.empty() && !userId.empty() && openId != userId)
        return fail(Errc::BadValue, "the credentials file gives both open_id and user_id with different values");
    s.accessToken = crypto::SecretText::take(access);
    s.refreshToken = crypto::SecretText::take(refresh);
    s.clientId = std::move(clientId);
    s.clientSecret = crypto::SecretText::take(clientSecret);
    s.userId = openId.empty() ? std::move(userId) : std::move(openId);
    s.accessExpires = accessExpires;
    s.refreshExpires = refreshExpires;
    (void)scope; // accepted because token answers carry it; the platform enforces scopes
    return s;
}

} // namespace postern::uploader
