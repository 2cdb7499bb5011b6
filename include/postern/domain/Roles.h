// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "postern/util/Result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace postern::domain {

/** Role is one of the four things a user may be allowed to do; users hold a set of them. */
enum class Role : std::uint8_t {
    Author = 1,
    Approver = 2,
    Operator = 4,
    Admin = 8
};

/** RoleSet is a bitmask of Role values. */
using RoleSet = std::uint8_t;

[[nodiscard]] constexpr bool hasRole(RoleSet set, Role role) noexcept
{
    return (set & static_cast<RoleSet>(role)) != 0;
}

/** roleNames lists the names of a set in canonical order: author, approver, operator, admin. */
[[nodiscard]] std::vector<std::string> roleNames(RoleSet set);
/** parseRole maps "author" | "approver" | "operator" | "admin" to a Role. */
[[nodiscard]] Result<Role> parseRole(std::string_view name);
/** parseRoleList reads a comma-separated list such as "author,approver". */
[[nodiscard]] Result<RoleSet> parseRoleList(std::string_view list);
/** formatRoles joins roleNames with commas. */
[[nodiscard]] std::string formatRoles(RoleSet set);

} // namespace postern::domain
