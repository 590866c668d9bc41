#include "engine/outcome_batch.hpp"

#include "store/audit_log.hpp"

namespace kibaru::engine {

void OutcomeBatch::write(store::Database& db, const std::string& now,
                         const std::string& actor) const {
    store::DeliveriesRepo(db).apply(m_deliveries, now);
    store::RepliesRepo(db).apply(m_replies, now);
    store::AuditLog audit(db);
    for (const auto& event : m_gateway_events) {
        audit.append(now, actor, event.action, "gateway " + event.gateway, event.details);
    }
}

void OutcomeBatch::clear() {
    m_deliveries.clear();
    m_replies.clear();
    m_gateway_events.clear();
}

} // namespace kibaru::engine
