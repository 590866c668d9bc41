// Accounts, sign-in and the credentials of each request. admin manages accounts; every change
// is audited with its actor. A password change or a disable ends the account's sessions.
// Sign-in is split in three so that a server can verify the password (slow on purpose: see
// secrets.hpp) off its event loop: begin_login reads, verify_password runs anywhere,
// finish_login writes.
#pragma once

#include "ops/env.hpp"
#include "ops/error.hpp"
#include "store/users_repo.hpp"
#include "util/rows.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kibaru::ops {

// Who a request comes from, once its cookie or bearer token checked out.
struct Principal {
    std::int64_t user_id = 0;
    std::string name;
    Role role = Role::auditor;
    std::string language;
    std::int64_t session_id = 0; // signed in from a browser (CSRF applies)
    std::int64_t token_id = 0;   // or with an API token
};

constexpr std::size_t k_min_password = 10;

// The codes an account change is refused with (the error's `why`; its args in brackets), which
// the console says in French.
inline constexpr std::array<std::string_view, 6> k_account_refusal_codes = {
    "account_bad_name",       // [name]
    "account_short_password", // [the minimum length]
    "account_bad_role",       // [role]
    "account_exists",         // [name]
    "account_unknown_user",   // [name]
    "account_self_disable",   //
};

// Fails: forbidden (not admin), invalid (name, role, password), conflict (name taken).
Result<store::UserRow> add_user(const Env& env, const std::string& name, const std::string& role,
                                const std::string& password);
// Fails: forbidden (not admin).
Result<std::vector<store::UserRow>> list_users(const Env& env);
std::vector<std::string> user_columns();
std::vector<util::Json> user_cells(const store::UserRow& user);
// Ends the user's sessions. Fails: forbidden, not_found, invalid (password).
Result<Done> change_password(const Env& env, const std::string& name, const std::string& password);
// "disabled" ends the user's sessions; "active" also lifts a login lockout. Fails: forbidden,
// not_found, conflict (an admin disabling themself).
Result<Done> set_user_status(const Env& env, const std::string& name, const std::string& status);

struct IssuedToken {
    std::int64_t id = 0;
    std::string token; // shown once; only its hash is kept
};
// The console's language of the acting user ("fr" or "en").
Result<Done> set_user_language(const Env& env, const std::string& language);

Result<IssuedToken> issue_token(const Env& env, const std::string& name, const std::string& label);
Result<Done> revoke_token(const Env& env, std::int64_t id);
std::vector<std::string> token_columns();
std::vector<util::Json> token_cells(const store::TokenRow& token);
Result<std::vector<store::TokenRow>> list_tokens(const Env& env);

// What a lockout keeps of a name typed at sign-in. No account's name is longer than 64 bytes,
// so 65 tell every long name from a real one; a megabyte-long name, tried from many addresses,
// would otherwise be kept whole.
std::string name_for_lockout(const std::string& typed);

// Sign-in, step 1: refuses a locked name or address (too_many), and returns the password hash
// to check (a dummy one for an unknown or disabled name, so that the answer takes as long).
struct LoginAttempt {
    std::string name;
    std::string peer;
    std::string password_hash;
    bool known = false;
};
Result<LoginAttempt> begin_login(const Env& env, const std::string& name, const std::string& peer);

// The 429 for a name and an address whose failed sign-ins (their instants) lock them at `now`
// (core/lockout.hpp), saying when to try again; nothing when neither is locked. For a session
// store that keeps its failures elsewhere (the read-only console's, in memory).
std::optional<Error> lockout_refusal(const std::vector<core::Instant>& by_name,
                                     const std::vector<core::Instant>& by_peer, core::Instant now);

struct Login {
    Principal principal;
    std::string session_token; // for the cookie
    std::string csrf_token;
};
// Sign-in, step 3: with `verified` (the password matched the attempt's hash) opens a session
// and audits the sign-in; otherwise counts the failure. Fails: unauthorized, too_many.
Result<Login> finish_login(const Env& env, const LoginAttempt& attempt, bool verified);

Result<Done> log_out(const Env& env, const Principal& principal);

// The principal of a session cookie's token, when the session is valid (not ended, seen within
// `idle_minutes`, its user active); with `record_use`, its last-seen time is moved on, at most
// once a minute (a read-only console cannot).
std::optional<Principal> session_principal(const Env& env, const std::string& session_token,
                                           int idle_minutes, bool record_use = true);
// The principal of an API token, when valid; its last use is recorded, to the minute.
std::optional<Principal> token_principal(const Env& env, const std::string& token);

// Whether `role` may act as `needed`.
inline bool allowed(Role role, Role needed) {
    return static_cast<int>(role) >= static_cast<int>(needed);
}

} // namespace kibaru::ops
