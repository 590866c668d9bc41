#include "web/sessions.hpp"

#include "ops/secrets.hpp"

#include <deque>

namespace kibaru::web {

namespace {

class DatabaseSessions final : public SessionStore {
public:
    ops::Result<ops::Login> log_in(const ops::Env& env, const std::string& name,
                                   const std::string& password, const std::string& peer) override {
        auto attempt = ops::begin_login(env, name, peer);
        if (!attempt) {
            return attempt.error();
        }
        const bool verified = ops::verify_password(attempt->password_hash, password);
        return ops::finish_login(env, *attempt, verified);
    }
    std::optional<ops::Principal> principal(const ops::Env& env, const std::string& token,
                                            int idle_minutes) override {
        return ops::session_principal(env, token, idle_minutes);
    }
    void log_out(const ops::Env& env, const ops::Principal& principal) override {
        (void)ops::log_out(env, principal);
    }
};

class MemorySessions final : public SessionStore {
public:
    ops::Result<ops::Login> log_in(const ops::Env& env, const std::string& name,
                                   const std::string& password, const std::string& peer) override {
        auto attempt = ops::begin_login(env, name, peer); // the file's own lockout, read
        if (!attempt) {
            return attempt.error();
        }
        {
            std::lock_guard lock(m_mutex);
            forget_old_failures(env.now);
            const auto kept_name = ops::name_for_lockout(name);
            std::vector<core::Instant> by_name;
            std::vector<core::Instant> by_peer;
            for (const auto& f : m_failures) {
                if (f.name == kept_name) {
                    by_name.push_back(f.at);
                }
                if (f.peer == peer) {
                    by_peer.push_back(f.at);
                }
            }
            if (auto refused = ops::lockout_refusal(by_name, by_peer, env.now)) {
                return *refused; // the same rule as the file's own lockout
            }
        }
        const bool verified =
            attempt->known && ops::verify_password(attempt->password_hash, password);
        std::lock_guard lock(m_mutex);
        if (!verified) {
            m_failures.push_back({env.now, ops::name_for_lockout(name), peer});
            return ops::Error{ops::ErrorKind::unauthorized, "wrong name or password", ""};
        }
        const auto user = store::UsersRepo(env.db).find(name);
        ops::Login login;
        login.session_token = ops::random_token("");
        login.csrf_token = ops::csrf_token_for(login.session_token);
        login.principal.user_id = user->id;
        login.principal.name = user->name;
        login.principal.role = ops::parse_role(user->role).value_or(ops::Role::auditor);
        login.principal.language = user->language;
        login.principal.session_id = ++m_next_id;
        for (auto it = m_sessions.begin(); it != m_sessions.end();) { // long idle: gone
            it = it->second.last_seen < env.now - std::chrono::hours(24) ? m_sessions.erase(it)
                                                                         : std::next(it);
        }
        m_sessions[ops::token_hash(login.session_token)] = {login.principal, env.now,
                                                            user->password_hash};
        return login;
    }

    std::optional<ops::Principal> principal(const ops::Env& env, const std::string& token,
                                            int idle_minutes) override {
        if (token.empty()) {
            return std::nullopt;
        }
        const auto key = ops::token_hash(token);
        Session session;
        {
            std::lock_guard lock(m_mutex);
            const auto found = m_sessions.find(key);
            if (found == m_sessions.end() ||
                found->second.last_seen < env.now - std::chrono::minutes(idle_minutes)) {
                return std::nullopt;
            }
            session = found->second;
        }
        // The file may be a live one: a user disabled, removed or given a new password there
        // since signing in is signed out here too, as the database's own sessions would be.
        const auto user = store::UsersRepo(env.db).find(session.principal.name);
        std::lock_guard lock(m_mutex);
        if (!user || user->status != "active" || user->password_hash != session.password_hash) {
            m_sessions.erase(key);
            return std::nullopt;
        }
        const auto found = m_sessions.find(key);
        if (found == m_sessions.end()) {
            return std::nullopt; // signed out meanwhile
        }
        found->second.last_seen = env.now;
        found->second.principal.role = ops::parse_role(user->role).value_or(ops::Role::auditor);
        return found->second.principal;
    }

    void log_out(const ops::Env&, const ops::Principal& principal) override {
        std::lock_guard lock(m_mutex);
        for (auto it = m_sessions.begin(); it != m_sessions.end(); ++it) {
            if (it->second.principal.session_id == principal.session_id) {
                m_sessions.erase(it);
                return;
            }
        }
    }

private:
    struct Session {
        ops::Principal principal;
        core::Instant last_seen;
        std::string password_hash; // the user's when signing in: a new one ends the session
    };
    struct Failure {
        core::Instant at;
        std::string name;
        std::string peer;
    };

    void forget_old_failures(core::Instant now) {
        // A failure counts for 15 minutes, and a lock it completes lasts 15 more.
        while (!m_failures.empty() && m_failures.front().at < now - std::chrono::minutes(30)) {
            m_failures.pop_front();
        }
    }

    std::mutex m_mutex;
    std::map<std::string, Session> m_sessions; // by token hash
    std::deque<Failure> m_failures;
    std::int64_t m_next_id = 0;
};

} // namespace

std::unique_ptr<SessionStore> database_sessions() {
    return std::make_unique<DatabaseSessions>();
}

std::unique_ptr<SessionStore> memory_sessions() {
    return std::make_unique<MemorySessions>();
}

} // namespace kibaru::web
