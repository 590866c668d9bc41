// `report gateways`: one row per gateway — what it accepted, what was delivered and failed among
// the deliveries it holds, the latency of its answers and how long its circuit stayed open — so
// that staff can see which route works. The rows are built here once for the CLI and the API.
#pragma once

#include "ops/env.hpp"
#include "util/rows.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kibaru::ops {

// gateway, sent, delivered, failed, delivery_rate (percent of sent, null before any),
// latency_p50_ms, latency_p95_ms, circuit_open_seconds.
std::vector<std::string> gateway_report_columns();

// Every configured gateway (and any other name the deliveries carry), in configuration order.
// `campaign` limits the counts and latencies to one campaign; outages are the gateway's own.
std::vector<std::vector<util::Json>> gateway_report(const Env& env,
                                                    std::optional<std::int64_t> campaign);

// Nearest-rank percentile of ascending values; nullopt when there are none.
std::optional<std::int64_t> percentile(const std::vector<std::int64_t>& ascending, int p);

} // namespace kibaru::ops
