// What every operation is given: the database, the configuration, who acts (their name goes to
// the audit log, their role decides what they may do) and the instant it happens. The CLI,
// the API and the console build one per command or request; operations never read a clock.
#pragma once

#include "core/config.hpp"
#include "core/time.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace kibaru::store {
class Database;
}

namespace kibaru::ops {

// Ordered: each role may do everything the ones before it may.
enum class Role { auditor = 0, staff = 1, admin = 2 };

std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view name);

struct Actor {
    std::string name;
    Role role = Role::admin; // the CLI acts with the rights of whoever holds the database file
};

struct Env {
    store::Database& db;
    const core::Config& config;
    Actor actor;
    core::Instant now;

    std::string now_text() const { return core::format_utc(now); }
};

} // namespace kibaru::ops
