// Counters the daemon keeps for /metrics (Prometheus text exposition format 0.0.4): per gateway,
// sends and failures by HTTP status, latency and the circuit breaker; callbacks by outcome. The
// engine and the callback routes count; the scrape adds the deliveries by campaign and state,
// read from the database. Plain data and text: no I/O here.
#pragma once

#include "core/delivery.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <string>

namespace kibaru::util {

// One gateway's sending: its requests by HTTP status, outcomes, latency and circuit.
struct GatewayMetrics {
    std::map<int, std::uint64_t> sends_by_status;   // 0: no HTTP answer
    std::map<std::string, std::uint64_t> outcomes;  // sent, retrying, failed
    std::array<std::uint64_t, 10> latency_counts{}; // per k_latency_buckets; last is +Inf
    double latency_sum = 0;
    std::uint64_t latency_count = 0;
    bool breaker_open = false;
};

struct Metrics {
    static constexpr std::array<double, 9> k_latency_buckets = {0.005, 0.01, 0.025, 0.05, 0.1,
                                                                0.25,  0.5,  1,     2.5};
    std::map<std::string, GatewayMetrics> gateways;          // by gateway name
    std::map<std::string, std::uint64_t> callbacks;          // by kind and result, e.g. "dlr_ok"
    std::map<std::string, std::uint64_t> rejected_callbacks; // by reason
    // Why the database refuses the engine's writes (a full disk, a read-only file, an I/O
    // error), while it does; empty while writes succeed. /healthz answers 503 with it.
    std::string storage_failure;
    // The engine's writes that sending waited 100 ms or more for (engine/slow_writes.hpp).
    std::uint64_t slow_writes = 0;

    void observe_send(const std::string& gateway, int http_status, double seconds,
                      std::string_view outcome);

    // The exposition text, with `deliveries` counted by (campaign, state). The gateway series
    // carry a `gateway` label.
    std::string render(const std::map<std::pair<std::int64_t, core::DeliveryState>, std::int64_t>&
                           deliveries) const;
};

} // namespace kibaru::util
