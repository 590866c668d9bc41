#include "store/gateway_stats.hpp"

#include "store/sqlite.hpp"

namespace kibaru::store {

std::map<std::string, GatewayFigures> gateway_figures(Database& db,
                                                      std::optional<std::int64_t> campaign) {
    std::map<std::string, GatewayFigures> out;
    const std::string in_campaign = campaign ? " AND d.campaign_id = ?1" : "";
    auto bind = [&](Statement& s) {
        if (campaign) {
            s.bind(1, *campaign);
        }
    };
    auto sent = db.prepare("SELECT coalesce(e.gateway, 'default'), count(DISTINCT e.delivery_id) "
                           "FROM delivery_events e JOIN deliveries d ON d.id = e.delivery_id "
                           "WHERE e.state = 'sent'" +
                           in_campaign + " GROUP BY 1");
    bind(sent);
    while (sent.step()) {
        out[sent.column_text(0)].sent = sent.column_int(1);
    }
    auto final_states =
        db.prepare("SELECT coalesce(d.gateway, 'default'), sum(d.state = 'delivered'), "
                   "sum(d.state = 'failed') FROM deliveries d WHERE d.state IN ('delivered', "
                   "'failed')" +
                   in_campaign + " GROUP BY 1");
    bind(final_states);
    while (final_states.step()) {
        auto& figures = out[final_states.column_text(0)];
        figures.delivered = final_states.column_int(1);
        figures.failed = final_states.column_int(2);
    }
    auto latencies = db.prepare("SELECT coalesce(e.gateway, 'default'), e.latency_ms FROM "
                                "delivery_events e JOIN deliveries d ON d.id = e.delivery_id "
                                "WHERE e.latency_ms IS NOT NULL" +
                                in_campaign + " ORDER BY 1, 2");
    bind(latencies);
    while (latencies.step()) {
        out[latencies.column_text(0)].latencies_ms.push_back(latencies.column_int(1));
    }
    return out;
}

std::vector<OutageEntry> outage_entries(Database& db) {
    std::vector<OutageEntry> out;
    // json_extract raises an error on details that are not JSON (an entry rewritten by hand,
    // the chain re-hashed): such an entry reads as the default gateway's, with no error text.
    auto s = db.prepare("SELECT coalesce(CASE WHEN json_valid(details) THEN json_extract(details, "
                        "'$.gateway') END, 'default'), at, action = 'gateway.outage', "
                        "coalesce(CASE WHEN json_valid(details) THEN json_extract(details, "
                        "'$.last_error') END, '') FROM audit_log "
                        "WHERE action IN ('gateway.outage', 'gateway.recovered') ORDER BY seq");
    while (s.step()) {
        out.push_back({s.column_text(0), s.column_text(1), s.column_int(2) != 0, s.column_text(3)});
    }
    return out;
}

} // namespace kibaru::store
