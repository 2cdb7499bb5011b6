// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace postern::store {

class StoreConnection;

/** kOpsecRulesKey holds the admin's OPSEC rule list (canonical JSON, compose::opsecRulesToJson). */
constexpr std::string_view kOpsecRulesKey = "opsec_rules";
/** kMaxSettingKeyBytes and kMaxSettingValueBytes cap what one setting may hold. */
constexpr std::size_t kMaxSettingKeyBytes = 64;
constexpr std::size_t kMaxSettingValueBytes = 512u << 10;

/** SettingRecord is one row of settings. */
struct SettingRecord
{
    std::string key;
    std::string value;
    std::int64_t updatedAt = 0;
};

/**
 * SettingsRepository is a small key/value table for workstation-wide settings that are not
 * signed documents (the OPSEC rule list). Values are opaque text to the store; the layer that
 * owns a setting parses and validates it. Changing one is an admin action the workflow audits
 * in the same transaction.
 */
class SettingsRepository
{
public:
    /** SettingsRepository is created by WorkstationStore; it borrows the store's connection. */
    explicit SettingsRepository(StoreConnection& connection) : m_connection(connection) {}

    /** get returns the setting, or nullopt when it was never set. */
    [[nodiscard]] Result<std::optional<SettingRecord>> get(std::string_view key);

    /**
     * put creates or replaces a setting. Errors: invalid-argument (key not 1..64 of [a-z0-9_]),
     * too-large or bad-encoding (value over 512 KiB, not UTF-8 or containing NUL).
     */
    [[nodiscard]] Status put(std::string_view key, std::string_view value, std::int64_t at);

private:
    StoreConnection& m_connection;
};

} // namespace postern::store
