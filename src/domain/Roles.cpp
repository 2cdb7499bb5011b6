// SPDX-License-Identifier: GPL-3.0-or-later
#include "postern/domain/Roles.h"

namespace postern::domain {

namespace {
constexpr std::pair<Role, std::string_view> kRoles[] = {{Role::Author, "author"},
                                                        {Role::Approver, "approver"},
                                                        {Role::Operator, "operator"},
                                                        {Role::Admin, "admin"}};
} // namespace

std::vector<std::string> roleNames(RoleSet set)
{
    std::vector<std::string> out;
    for (const auto& [role, name] : kRoles) {
        if (hasRole(set, role))
            out.emplace_back(name);
    }
    return out;
}

Result<Role> parseRole(std::string_view name)
{
    for (const auto& [role, n] : kRoles) {
        if (n == name)
            return role;
    }
    return fail(Errc::InvalidArgument,
                "unknown role \"" + std::string(name) + "\"; roles are author, approver, operator and admin");
}

Result<RoleSet> parseRoleList(std::string_view list)
{
    RoleSet set = 0;
    while (!list.empty()) {
        const auto comma = list.find(',');
        const std::string_view item = list.substr(0, comma);
        POSTERN_ASSIGN(role, parseRole(item));
        set |= static_cast<RoleSet>(role);
        if (comma == std::string_view::npos)
            break;
        list.remove_prefix(comma + 1);
    }
    if (set == 0)
        return fail(Errc::InvalidArgument, "give at least one role (author, approver, operator, admin)");
    return set;
}

std::string formatRoles(RoleSet set)
{
    std::string out;
    for (const auto& n : roleNames(set)) {
        if (!out.empty())
            out += ',';
        out += n;
    }
    return out;
}

} // namespace postern::domain
