// What each gateway carried, read for `report gateways`: the deliveries it accepted (a `sent`
// event under its name), the final states of the deliveries it holds, the latency of its answers
// and its outages as the audit log recorded them. Read-only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kibaru::store {

class Database;

struct GatewayFigures {
    std::int64_t sent = 0; // deliveries it accepted, whatever happened after
    std::int64_t delivered = 0;
    std::int64_t failed = 0;
    std::vector<std::int64_t> latencies_ms; // of its answers, ascending
};

// Per gateway name (deliveries sent before several gateways count under "default").
std::map<std::string, GatewayFigures> gateway_figures(Database& db,
                                                      std::optional<std::int64_t> campaign);

struct OutageEntry {
    std::string gateway;
    std::string at;
    bool open = false;      // gateway.outage (true) or gateway.recovered (false)
    std::string last_error; // of an outage: the failure that opened the circuit
};

// gateway.outage and gateway.recovered audit entries, in order.
std::vector<OutageEntry> outage_entries(Database& db);

} // namespace kibaru::store
