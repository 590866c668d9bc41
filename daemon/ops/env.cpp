#include "ops/env.hpp"

namespace kibaru::ops {

std::string_view role_name(Role role) {
    switch (role) {
    case Role::auditor:
        return "auditor";
    case Role::staff:
        return "staff";
    case Role::admin:
        return "admin";
    }
    return "auditor";
}

std::optional<Role> parse_role(std::string_view name) {
    for (const Role role : {Role::auditor, Role::staff, Role::admin}) {
        if (role_name(role) == name) {
            return role;
        }
    }
    return std::nullopt;
}

} // namespace kibaru::ops
