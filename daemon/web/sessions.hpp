// Where the console keeps who is signed in: in the database (sessions table, hashed tokens,
// failed logins for the lockout), or, for a read-only console that cannot write its file, in
// its own memory for as long as it runs. Both answer alike; callable from any worker thread.
#pragma once

#include "ops/accounts.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace kibaru::web {

class SessionStore {
public:
    virtual ~SessionStore() = default;
    // Sign-in: refuses a locked name or address, checks the password (slow: a worker thread
    // only), opens a session. Fails: too_many, unauthorized.
    virtual ops::Result<ops::Login> log_in(const ops::Env& env, const std::string& name,
                                           const std::string& password,
                                           const std::string& peer) = 0;
    virtual std::optional<ops::Principal> principal(const ops::Env& env, const std::string& token,
                                                    int idle_minutes) = 0;
    virtual void log_out(const ops::Env& env, const ops::Principal& principal) = 0;
};

// Sessions in the database (ops/accounts).
std::unique_ptr<SessionStore> database_sessions();
// Sessions in memory, for a console on a read-only file; accounts are still read from it.
std::unique_ptr<SessionStore> memory_sessions();

} // namespace kibaru::web
