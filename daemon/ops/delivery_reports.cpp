#include "ops/delivery_reports.hpp"

#include "store/event_seal.hpp"

namespace kibaru::ops {

std::vector<store::ReportResult>
apply_delivery_reports(const Env& env, const std::vector<core::DeliveryReport>& reports) {
    const std::string now = env.now_text();
    store::DeliveryTransaction tx(env.db, now, env.actor.name);
    auto results = store::DeliveriesRepo(env.db).apply_reports(reports, now);
    tx.commit();
    return results;
}

} // namespace kibaru::ops
