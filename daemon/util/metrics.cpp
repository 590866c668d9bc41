#include "util/metrics.hpp"

#include <sstream>

namespace kibaru::util {

void Metrics::observe_send(const std::string& gateway, int http_status, double seconds,
                           std::string_view outcome) {
    auto& g = gateways[gateway];
    ++g.sends_by_status[http_status];
    ++g.outcomes[std::string(outcome)];
    std::size_t bucket = 0;
    while (bucket < k_latency_buckets.size() && seconds > k_latency_buckets[bucket]) {
        ++bucket;
    }
    ++g.latency_counts[bucket];
    g.latency_sum += seconds;
    ++g.latency_count;
}

std::string Metrics::render(
    const std::map<std::pair<std::int64_t, core::DeliveryState>, std::int64_t>& deliveries) const {
    std::ostringstream out;
    out << "# HELP kibaru_deliveries Deliveries by campaign and state.\n"
        << "# TYPE kibaru_deliveries gauge\n";
    for (const auto& [key, count] : deliveries) {
        out << "kibaru_deliveries{campaign=\"" << key.first << "\",state=\""
            << core::to_string(key.second) << "\"} " << count << "\n";
    }
    out << "# HELP kibaru_gateway_requests_total Gateway requests by gateway and HTTP status (0: "
           "no answer).\n"
        << "# TYPE kibaru_gateway_requests_total counter\n";
    for (const auto& [name, g] : gateways) {
        for (const auto& [status, count] : g.sends_by_status) {
            out << "kibaru_gateway_requests_total{gateway=\"" << name << "\",status=\"" << status
                << "\"} " << count << "\n";
        }
    }
    out << "# HELP kibaru_send_outcomes_total Send attempts by gateway and outcome.\n"
        << "# TYPE kibaru_send_outcomes_total counter\n";
    for (const auto& [name, g] : gateways) {
        for (const auto& [outcome, count] : g.outcomes) {
            out << "kibaru_send_outcomes_total{gateway=\"" << name << "\",outcome=\"" << outcome
                << "\"} " << count << "\n";
        }
    }
    out << "# HELP kibaru_gateway_latency_seconds Gateway request latency.\n"
        << "# TYPE kibaru_gateway_latency_seconds histogram\n";
    for (const auto& [name, g] : gateways) {
        const std::string label = "gateway=\"" + name + "\"";
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < k_latency_buckets.size(); ++i) {
            cumulative += g.latency_counts[i];
            out << "kibaru_gateway_latency_seconds_bucket{" << label << ",le=\""
                << k_latency_buckets[i] << "\"} " << cumulative << "\n";
        }
        cumulative += g.latency_counts.back();
        out << "kibaru_gateway_latency_seconds_bucket{" << label << ",le=\"+Inf\"} " << cumulative
            << "\n"
            << "kibaru_gateway_latency_seconds_sum{" << label << "} " << g.latency_sum << "\n"
            << "kibaru_gateway_latency_seconds_count{" << label << "} " << g.latency_count << "\n";
    }
    out << "# HELP kibaru_callbacks_total Callbacks handled, by kind and result.\n"
        << "# TYPE kibaru_callbacks_total counter\n";
    for (const auto& [kind, count] : callbacks) {
        out << "kibaru_callbacks_total{kind=\"" << kind << "\"} " << count << "\n";
    }
    out << "# HELP kibaru_callbacks_rejected_total Callbacks refused, by reason.\n"
        << "# TYPE kibaru_callbacks_rejected_total counter\n";
    for (const auto& [reason, count] : rejected_callbacks) {
        out << "kibaru_callbacks_rejected_total{reason=\"" << reason << "\"} " << count << "\n";
    }
    out << "# HELP kibaru_circuit_breaker_open 1 while a gateway's sending is paused for its "
           "outage.\n"
        << "# TYPE kibaru_circuit_breaker_open gauge\n";
    for (const auto& [name, g] : gateways) {
        out << "kibaru_circuit_breaker_open{gateway=\"" << name << "\"} "
            << (g.breaker_open ? 1 : 0) << "\n";
    }
    out << "# HELP kibaru_storage_ok 0 while the database refuses writes (disk full, read-only, "
           "I/O error) and sending is paused.\n"
        << "# TYPE kibaru_storage_ok gauge\n"
        << "kibaru_storage_ok " << (storage_failure.empty() ? 1 : 0) << "\n"
        << "# HELP kibaru_slow_writes_total Database writes that sending waited 100 ms or more "
           "for (a slow disk, or another process holding the database).\n"
        << "# TYPE kibaru_slow_writes_total counter\n"
        << "kibaru_slow_writes_total " << slow_writes << "\n";
    return out.str();
}

} // namespace kibaru::util
