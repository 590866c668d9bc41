#include "ops/delivery_reports.hpp"

#include "store/event_seal.hpp"
#include "store/replies_repo.hpp"

namespace kibaru::ops {

std::vector<store::ReportResult>
apply_delivery_reports(const Env& env, const std::vector<core::DeliveryReport>& reports) {
    const std::string now = env.now_text();
    store::DeliveryTransaction tx(env.db, now, env.actor.name);
    auto results = store::DeliveriesRepo(env.db).apply_reports(reports, now);
    // What is no delivery's may be a reply's: ref "r<id>", or the gateway's message id.
    store::RepliesRepo replies(env.db);
    for (std::size_t i = 0; i < reports.size(); ++i) {
        const auto& r = reports[i];
        if (results[i].found || (r.gateway_id.empty() && !store::reply_id_of(r.ref))) {
            continue;
        }
        if (const auto before =
                replies.apply_report(r.ref, r.gateway_id, r.gateway, r.state, r.detail, now)) {
            results[i] = {true, 0, *before, r.state};
        }
    }
    tx.commit();
    return results;
}

} // namespace kibaru::ops
