#include "ops/delivery_reports.hpp"

#include "store/event_seal.hpp"
#include "store/sqlite.hpp"

namespace kibaru::ops {

std::vector<store::ReportResult>
apply_delivery_reports(const Env& env, const std::vector<core::DeliveryReport>& reports) {
    const std::string now = env.now_text();
    store::Transaction tx(env.db);
    auto results = store::DeliveriesRepo(env.db).apply_reports(reports, now);
    store::seal_delivery_events(env.db, now, env.actor.name);
    tx.commit();
    return results;
}

} // namespace kibaru::ops
