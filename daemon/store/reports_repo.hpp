// Read-only queries for auditors: deliveries one by one (streamed), one contact's whole history,
// and the completeness check of a campaign's opened weeks.
#pragma once

#include "core/campaign.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kibaru::store {

class Database;

struct DeliveryFilter {
    std::optional<std::int64_t> campaign;
    std::optional<int> week;
    std::optional<std::string> phone; // E.164
    std::optional<std::string> state;
    std::int64_t after = 0; // only deliveries with a greater id (a page's cursor)
    int limit = -1;         // at most this many (-1: all)
};

struct DeliveryRow {
    std::int64_t id = 0;
    std::int64_t campaign = 0;
    int week = 0;
    std::string phone;
    std::string language;
    std::string state;
    int attempts = 0;
    std::string gateway_id;
    std::string error;
    int segments = 0;
    std::string updated_at;
    std::string smsc_id; // the SMSC's message id, from a delivery report (Kannel's %F)
    std::string gateway; // the gateway that took it ([[gateways]] name, or "default")
};

struct EventRow {
    std::string at;
    std::string state;
    int attempt = 0;
    std::optional<int> http_status;
    std::string gateway_id;
    std::optional<std::int64_t> latency_ms;
    std::string error;
    std::string gateway; // the gateway that took or tried it ("" before several gateways)
};

struct StatusChange {
    std::string at;
    std::string status;
    std::string source;
    std::string actor;
};

struct Violation {
    int week = 0;
    std::string kind; // count, duplicate, missing, outside, tally
    std::string phone;
    std::string detail;
};

class ReportsRepo {
public:
    explicit ReportsRepo(Database& db) : m_db(db) {}

    // Streams deliveries, never holding them all: a page (limit >= 0) in id order from its
    // cursor, everything else in (campaign, week, contact) order.
    void for_each_delivery(const DeliveryFilter& filter,
                           const std::function<void(const DeliveryRow&)>& visit);
    std::vector<EventRow> events(std::int64_t delivery_id);
    std::vector<StatusChange> status_history(const std::string& phone);

    // Every contact of each opened week's audience (as of its opening: created by then, active
    // then, matching the filters) has exactly one delivery, and no delivery lies outside it.
    std::vector<Violation> check_completeness(const core::Campaign& campaign);

private:
    // A page of one campaign's deliveries, read by rowid over its weeks' id ranges.
    void campaign_page(const DeliveryFilter& filter,
                       const std::function<void(const DeliveryRow&)>& visit);

    Database& m_db;
};

} // namespace kibaru::store
