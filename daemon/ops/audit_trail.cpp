#include "ops/audit_trail.hpp"

#include "store/audit_log.hpp"

#include <nlohmann/json.hpp>

namespace kibaru::ops {

void record(const Env& env, const std::string& action, const std::string& subject,
            const nlohmann::json& details) {
    store::AuditLog(env.db).append(env.now_text(), env.actor.name, action, subject, details.dump());
}

void record_in_order(const Env& env, const std::string& action, const std::string& subject,
                     const nlohmann::ordered_json& details) {
    store::AuditLog(env.db).append(env.now_text(), env.actor.name, action, subject, details.dump());
}

} // namespace kibaru::ops
