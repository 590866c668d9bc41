#include "ops/gateway_report.hpp"

#include "core/time.hpp"
#include "store/gateway_stats.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace kibaru::ops {

namespace {

// Seconds each gateway's circuit was open: from each gateway.outage to its gateway.recovered,
// or to now while it is still open.
std::map<std::string, std::int64_t> open_seconds(const std::vector<store::OutageEntry>& entries,
                                                 core::Instant now) {
    std::map<std::string, std::int64_t> total;
    std::map<std::string, core::Instant> opened;
    for (const auto& e : entries) {
        const auto at = core::parse_instant(e.at);
        if (!at) {
            continue;
        }
        if (e.open) {
            opened.try_emplace(e.gateway, *at);
        } else if (const auto it = opened.find(e.gateway); it != opened.end()) {
            total[e.gateway] += (*at - it->second).count();
            opened.erase(it);
        }
    }
    for (const auto& [gateway, since] : opened) {
        total[gateway] += std::max<std::int64_t>(0, (now - since).count());
    }
    return total;
}

} // namespace

std::vector<std::string> gateway_report_columns() {
    return {"gateway",       "sent",           "delivered",      "failed",
            "delivery_rate", "latency_p50_ms", "latency_p95_ms", "circuit_open_seconds"};
}

std::optional<std::int64_t> percentile(const std::vector<std::int64_t>& ascending, int p) {
    if (ascending.empty()) {
        return std::nullopt;
    }
    const auto rank = static_cast<std::size_t>(
        std::ceil(static_cast<double>(p) / 100.0 * static_cast<double>(ascending.size())));
    return ascending[std::min(ascending.size(), std::max<std::size_t>(rank, 1)) - 1];
}

std::vector<std::vector<util::Json>> gateway_report(const Env& env,
                                                    std::optional<std::int64_t> campaign) {
    auto figures = store::gateway_figures(env.db, campaign);
    const auto outages = open_seconds(store::outage_entries(env.db), env.now);
    std::vector<std::string> names;
    for (const auto& g : core::sending_gateways(env.config)) {
        names.push_back(g.name);
    }
    for (const auto& [name, _] : figures) {
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            names.push_back(name);
        }
    }
    std::vector<std::vector<util::Json>> rows;
    for (const auto& name : names) {
        const auto& f = figures[name];
        auto nullable = [](std::optional<std::int64_t> v) {
            return v ? util::Json(*v) : util::Json(nullptr);
        };
        const auto open = outages.find(name);
        rows.push_back(
            {name, f.sent, f.delivered, f.failed,
             f.sent > 0 ? util::Json(std::round(1000.0 * static_cast<double>(f.delivered) /
                                                static_cast<double>(f.sent)) /
                                     10.0)
                        : util::Json(nullptr),
             nullable(percentile(f.latencies_ms, 50)), nullable(percentile(f.latencies_ms, 95)),
             open == outages.end() ? 0 : open->second});
    }
    return rows;
}

} // namespace kibaru::ops
