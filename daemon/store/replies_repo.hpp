// Replies (the `replies` table): the SMS Kibaru sends back to one producer, queued by the
// inbound handling or by staff, claimed and sent by the engine like deliveries but apart from
// them, and moved on by delivery reports whose ref is "r<id>".
#pragma once

#include "core/delivery.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kibaru::store {

class Database;

struct NewReply {
    std::optional<std::int64_t> inbox_id;
    std::string phone; // E.164
    std::string text;
    std::string kind; // answer, confirmation, manual, checkpoint (to an audit witness)
    int segments = 1;
    std::string created_by = "kibaru"; // who typed it, for a manual reply
};

// A reply as the console lists it.
struct ReplyListing {
    std::int64_t id = 0;
    std::string created_at;
    std::string phone;
    std::string text;
    core::DeliveryState state = core::DeliveryState::pending;
    std::string updated_at; // when its state last changed
};

struct DueReply {
    std::int64_t id = 0;
    std::string phone;
    std::string text;
    int attempts = 0;
};

struct ReplyOutcome {
    std::int64_t id = 0;
    core::DeliveryState state = core::DeliveryState::sending; // sending, sent, retrying, failed
    int attempt = 0;
    std::string gateway;
    std::string gateway_id;
    std::string error;
    std::int64_t next_attempt_ms = 0;
};

class RepliesRepo {
public:
    explicit RepliesRepo(Database& db) : m_db(db) {}

    std::int64_t enqueue(const NewReply& reply, const std::string& now);

    // Pending or retrying replies due at `now_ms`, oldest first.
    std::vector<DueReply> due(std::int64_t now_ms, int limit);

    // Records a claim (`sending`, from pending or retrying) or an outcome (from `sending`: a
    // delivery report may have moved it on first, and then the outcome changes nothing).
    void apply(const std::vector<ReplyOutcome>& outcomes, const std::string& now);

    // Puts off the queued replies `ids` until `until_ms` (their gateway cannot take them now).
    void defer(const std::vector<std::int64_t>& ids, std::int64_t until_ms);

    // Replies left `sending` by a stop become `unknown`, never sent again by themselves.
    std::int64_t mark_interrupted(const std::string& now);

    // A delivery report for the reply `ref` ("r12"), or by the gateway's message id; nullopt
    // when it is no reply's. `gateway` (a [[gateways]] name, "" for the single gateway's paths)
    // scopes the lookup: a report only moves a reply sent through that gateway. Returns the
    // state before.
    std::optional<core::DeliveryState>
    apply_report(const std::string& ref, const std::string& gateway_id, const std::string& gateway,
                 core::DeliveryState state, const std::string& detail, const std::string& now);

    // The latest `limit` replies of `kind` ("checkpoint": the audit checkpoints texted to the
    // witnesses), newest first.
    std::vector<ReplyListing> latest_of_kind(const std::string& kind, int limit);

    // Replies by state, and the segments of those a gateway accepted (for reports and cost).
    std::map<core::DeliveryState, std::int64_t> count_by_state();
    std::int64_t segments_sent();

private:
    Database& m_db;
};

// "r12" -> 12; nullopt for a ref that is not a reply's.
std::optional<std::int64_t> reply_id_of(const std::string& ref);

} // namespace kibaru::store
