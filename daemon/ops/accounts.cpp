#include "ops/accounts.hpp"

#include "core/lockout.hpp"
#include "core/utf8.hpp"
#include "ops/audit_trail.hpp"
#include "ops/secrets.hpp"
#include "store/sqlite.hpp"

#include <nlohmann/json.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace kibaru::ops {

namespace {

using namespace std::chrono_literals;

Error forbidden(const std::string& what) {
    return {ErrorKind::forbidden, what + " needs the admin role", ""};
}

std::optional<Error> check_name(const std::string& name) {
    const bool ok =
        !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '_' || c == '-' || c == '@';
        });
    if (!ok) {
        return with_why(
            invalid("a user name is 1 to 64 letters, digits and . _ - @ (\"" + name + "\")",
                    "name"),
            {"account_bad_name", {name}});
    }
    return std::nullopt;
}

std::optional<Error> check_password(const std::string& password) {
    if (core::utf8_length(password) < k_min_password) { // characters, not bytes: "é" is one
        return with_why(invalid("the password must have at least " +
                                    std::to_string(k_min_password) + " characters",
                                "password"),
                        {"account_short_password", {std::to_string(k_min_password)}});
    }
    return std::nullopt;
}

Principal principal_of(const store::UserRow& user) {
    Principal p;
    p.user_id = user.id;
    p.name = user.name;
    p.role = parse_role(user.role).value_or(Role::auditor);
    p.language = user.language;
    return p;
}

Result<store::UserRow> existing(store::UsersRepo& users, const std::string& name) {
    auto user = users.find(name);
    if (!user) {
        return with_why(not_found("no user is named " + name), {"account_unknown_user", {name}});
    }
    return *user;
}

// Failures older than this are never read again by the lockout (core/lockout.hpp).
std::string lockout_horizon(const Env& env) {
    const core::LockoutRule rule;
    return core::format_utc(env.now - rule.within - rule.lasts);
}

} // namespace

Result<store::UserRow> add_user(const Env& env, const std::string& name, const std::string& role,
                                const std::string& password) {
    if (!allowed(env.actor.role, Role::admin)) {
        return forbidden("adding a user");
    }
    if (auto problem = check_name(name)) {
        return *problem;
    }
    if (!parse_role(role)) {
        return with_why(
            invalid("the role must be admin, staff or auditor (\"" + role + "\")", "role"),
            {"account_bad_role", {role}});
    }
    if (auto problem = check_password(password)) {
        return *problem;
    }
    const std::string hash = hash_password(password); // before the write lock is taken
    store::Transaction tx(env.db);
    store::UsersRepo users(env.db);
    if (users.find(name)) {
        return with_why(conflict("a user named " + name + " exists already"),
                        {"account_exists", {name}});
    }
    users.create(name, role, hash, env.now_text());
    record(env, "user.add", name, {{"role", role}});
    tx.commit();
    return *users.find(name);
}

Result<std::vector<store::UserRow>> list_users(const Env& env) {
    if (!allowed(env.actor.role, Role::admin)) {
        return forbidden("listing users");
    }
    return store::UsersRepo(env.db).list();
}

std::vector<std::string> user_columns() {
    return {"name", "role", "status", "created_at", "last_login_at"};
}

std::vector<util::Json> user_cells(const store::UserRow& u) {
    return {u.name, u.role, u.status, u.created_at, u.last_login_at};
}

Result<Done> change_password(const Env& env, const std::string& name, const std::string& password) {
    if (!allowed(env.actor.role, Role::admin) && env.actor.name != name) {
        return forbidden("changing another user's password");
    }
    if (auto problem = check_password(password)) {
        return *problem;
    }
    const std::string hash = hash_password(password);
    store::Transaction tx(env.db);
    store::UsersRepo users(env.db);
    auto user = existing(users, name);
    if (!user) {
        return user.error();
    }
    users.set_password(user->id, hash);
    const auto ended = users.end_sessions_of(user->id, env.now_text());
    record(env, "user.passwd", name, {{"sessions_ended", ended}});
    tx.commit();
    return Done{};
}

Result<Done> set_user_status(const Env& env, const std::string& name, const std::string& status) {
    if (!allowed(env.actor.role, Role::admin)) {
        return forbidden(status == "active" ? "enabling a user" : "disabling a user");
    }
    store::Transaction tx(env.db);
    store::UsersRepo users(env.db);
    auto user = existing(users, name);
    if (!user) {
        return user.error();
    }
    if (status == "disabled" && name == env.actor.name) {
        return with_why(conflict("an admin cannot disable their own account"),
                        {"account_self_disable"});
    }
    users.set_status(user->id, status);
    nlohmann::json details = {{"from", user->status}, {"to", status}};
    if (status == "disabled") {
        details["sessions_ended"] = users.end_sessions_of(user->id, env.now_text());
    } else {
        users.lift_lockout(name); // an admin lifts a lockout by enabling the account
    }
    record(env, status == "disabled" ? "user.disable" : "user.enable", name, details);
    tx.commit();
    return Done{};
}

Result<Done> set_user_language(const Env& env, const std::string& language) {
    if (language != "fr" && language != "en") {
        return invalid("the language must be fr or en", "lang");
    }
    store::Transaction tx(env.db);
    store::UsersRepo users(env.db);
    auto user = existing(users, env.actor.name);
    if (!user) {
        return user.error();
    }
    if (user->language != language) {
        users.set_language(user->id, language);
        record(env, "user.language", user->name, {{"language", language}});
    }
    tx.commit();
    return Done{};
}

Result<IssuedToken> issue_token(const Env& env, const std::string& name, const std::string& label) {
    if (!allowed(env.actor.role, Role::admin)) {
        return forbidden("issuing an API token");
    }
    store::Transaction tx(env.db);
    store::UsersRepo users(env.db);
    auto user = existing(users, name);
    if (!user) {
        return user.error();
    }
    IssuedToken issued;
    issued.token = random_token("kb_");
    issued.id = users.create_token(user->id, label, token_hash(issued.token), env.now_text());
    record(env, "user.token", name, {{"token_id", issued.id}, {"label", label}});
    tx.commit();
    return issued;
}

Result<Done> revoke_token(const Env& env, std::int64_t id) {
    if (!allowed(env.actor.role, Role::admin)) {
        return forbidden("revoking an API token");
    }
    store::Transaction tx(env.db);
    if (!store::UsersRepo(env.db).revoke_token(id, env.now_text())) {
        return not_found("no valid API token has id " + std::to_string(id));
    }
    record(env, "user.revoke_token", "token " + std::to_string(id), nlohmann::json::object());
    tx.commit();
    return Done{};
}

std::vector<std::string> token_columns() {
    return {"id", "user", "label", "created_at", "last_used_at", "revoked_at"};
}

std::vector<util::Json> token_cells(const store::TokenRow& t) {
    return {t.id, t.user, t.label, t.created_at, t.last_used_at, t.revoked_at};
}

Result<std::vector<store::TokenRow>> list_tokens(const Env& env) {
    if (!allowed(env.actor.role, Role::admin)) {
        return forbidden("listing API tokens");
    }
    return store::UsersRepo(env.db).tokens();
}

std::string name_for_lockout(const std::string& typed) {
    return core::to_valid_utf8(typed.substr(0, 65));
}

Result<LoginAttempt> begin_login(const Env& env, const std::string& name, const std::string& peer) {
    store::UsersRepo users(env.db);
    const auto failures = users.failures_since(name_for_lockout(name), peer, lockout_horizon(env));
    auto instants = [](const std::vector<std::string>& times) {
        std::vector<core::Instant> out;
        for (const auto& at : times) {
            if (const auto instant = core::parse_instant(at)) {
                out.push_back(*instant);
            }
        }
        return out;
    };
    if (auto refused =
            lockout_refusal(instants(failures.by_name), instants(failures.by_peer), env.now)) {
        return *refused;
    }
    LoginAttempt attempt{name, peer, "", false};
    const auto user = users.find(name);
    if (user && user->status == "active") {
        attempt.password_hash = user->password_hash;
        attempt.known = true;
    } else {
        // The same work as for a real account: whether a name exists does not show in time.
        static const std::string dummy = hash_password("not a password of anyone");
        attempt.password_hash = dummy;
    }
    return attempt;
}

std::optional<Error> lockout_refusal(const std::vector<core::Instant>& by_name,
                                     const std::vector<core::Instant>& by_peer, core::Instant now) {
    const auto name_until = core::locked_until(by_name, now);
    const auto peer_until = core::locked_until(by_peer, now);
    if (!name_until && !peer_until) {
        return std::nullopt;
    }
    const auto until = std::max(name_until.value_or(now), peer_until.value_or(now));
    const auto seconds = (until - now).count();
    Error locked{ErrorKind::too_many,
                 "too many failed sign-ins: try again in " + std::to_string((seconds + 59) / 60) +
                     " min (" + core::format_utc(until) + "), or ask an admin",
                 ""};
    locked.retry_after_seconds = seconds;
    return locked;
}

Result<Login> finish_login(const Env& env, const LoginAttempt& attempt, bool verified) {
    store::Transaction tx(env.db);
    store::UsersRepo users(env.db);
    const auto user = users.find(attempt.name);
    if (!verified || !attempt.known || !user || user->status != "active") {
        const auto name = name_for_lockout(attempt.name);
        users.add_failure(name, attempt.peer, env.now_text(), lockout_horizon(env));
        tx.commit();
        spdlog::warn("failed sign-in for \"{}\" from {}", name, attempt.peer);
        return Error{ErrorKind::unauthorized, "wrong name or password", ""};
    }
    Login login;
    login.session_token = random_token("");
    login.csrf_token = csrf_token_for(login.session_token);
    login.principal = principal_of(*user);
    login.principal.session_id =
        users.open_session(user->id, token_hash(login.session_token), env.now_text(), attempt.peer);
    users.logged_in(user->id, env.now_text());
    users.clear_failures(attempt.name);
    const Env as_user{env.db, env.config, Actor{user->name, login.principal.role}, env.now};
    record(as_user, "user.login", user->name, {{"from", attempt.peer}});
    tx.commit();
    return login;
}

Result<Done> log_out(const Env& env, const Principal& principal) {
    if (principal.session_id == 0) {
        return Done{}; // an API token has no session to end
    }
    store::Transaction tx(env.db);
    store::UsersRepo(env.db).end_session(principal.session_id, env.now_text());
    record(env, "user.logout", principal.name, nlohmann::json::object());
    tx.commit();
    return Done{};
}

std::optional<Principal> session_principal(const Env& env, const std::string& session_token,
                                           int idle_minutes, bool record_use) {
    if (session_token.empty()) {
        return std::nullopt;
    }
    store::UsersRepo users(env.db);
    const auto cutoff = core::format_utc(env.now - std::chrono::minutes(idle_minutes));
    const auto session = users.session(token_hash(session_token), cutoff);
    if (!session) {
        return std::nullopt;
    }
    // A write per request would be the console's main cost: last seen is kept to the minute.
    if (record_use && session->last_seen_at < core::format_utc(env.now - 1min)) {
        store::Transaction tx(env.db);
        users.touch_session(session->id, env.now_text());
        tx.commit();
    }
    auto principal = principal_of(session->user);
    principal.session_id = session->id;
    return principal;
}

std::optional<Principal> token_principal(const Env& env, const std::string& token) {
    if (token.empty()) {
        return std::nullopt;
    }
    store::UsersRepo users(env.db);
    const auto found = users.token(token_hash(token));
    if (!found) {
        return std::nullopt;
    }
    // As for sessions, last use is kept to the minute, and not at all on a read-only file.
    if (!env.db.read_only() && found->last_used_at < core::format_utc(env.now - 1min)) {
        store::Transaction tx(env.db);
        users.touch_token(found->id, env.now_text());
        tx.commit();
    }
    auto principal = principal_of(found->user);
    principal.token_id = found->id;
    return principal;
}

} // namespace kibaru::ops
