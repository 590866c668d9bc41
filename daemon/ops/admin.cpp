#include "ops/admin.hpp"

#include <nlohmann/json.hpp>

#include "core/delivery.hpp"
#include "store/campaigns_repo.hpp"
#include "store/contacts_repo.hpp"
#include "store/deliveries_repo.hpp"
#include "store/event_seal.hpp"
#include "store/migrations.hpp"
#include "store/replies_repo.hpp"
#include "store/savepoint.hpp"
#include "store/sqlite.hpp"

namespace kibaru::ops {

namespace {

// Counts by state as the JSON output names them ({"delivered": 3, ...}).
util::Json by_name(const std::map<core::DeliveryState, std::int64_t>& counts) {
    util::Json out = util::Json::object();
    for (const auto& [state, count] : counts) {
        out[std::string(core::to_string(state))] = count;
    }
    return out;
}

} // namespace

util::Json installation_status(const Env& env) {
    auto& db = env.db;
    std::map<std::string, std::int64_t> campaigns = {
        {"active", 0}, {"paused", 0}, {"cancelled", 0}};
    for (const auto& c : store::CampaignsRepo(db).list()) {
        ++campaigns[c.status];
    }
    store::RepliesRepo replies(db);
    const auto reply_segments = replies.segments_sent();
    return {
        {"database", db.path()},
        {"schema_version", store::schema_version(db)},
        {"config", env.config.source},
        {"contacts", store::ContactsRepo(db).count_by_status()},
        {"campaigns", campaigns},
        {"deliveries", by_name(store::DeliveriesRepo(db).count_by_state())},
        // Answers to producers' SMS, apart from campaign deliveries, with their own cost.
        {"replies",
         {{"by_state", by_name(replies.count_by_state())},
          {"segments", reply_segments},
          {"cost", static_cast<double>(reply_segments) * env.config.sms.cost_per_segment},
          {"currency", env.config.sms.currency}}},
        {"inbox", db.scalar_int("SELECT count(*) FROM inbox")},
        {"audit_entries", db.scalar_int("SELECT seq FROM audit_head WHERE id = 1")},
    };
}

store::AuditVerdict verify_audit(const Env& env) {
    return verify_audit(env.db);
}

store::AuditVerdict verify_audit(store::Database& db) {
    // One read snapshot for the chain, the seals and the deliveries: the seals and week
    // openings trusted below are the entries whose hashes were just checked, not entries a
    // writer appended in between.
    store::Savepoint snapshot(db, "audit_verify");
    auto verdict = store::AuditLog(db).verify();
    if (verdict.ok()) {
        // The chain is intact, so its seals can be trusted to check the delivery events.
        const auto events = store::verify_delivery_events(db);
        const auto entries = verdict.checked;
        verdict = events;
        verdict.checked = entries;
        if (events.ok()) {
            verdict.events_checked = events.checked;
        }
    }
    snapshot.release();
    return verdict;
}

core::AuditCheckpoint audit_checkpoint(const Env& env) {
    return store::AuditLog(env.db).checkpoint();
}

std::vector<store::ReplyListing> checkpoints_sent(const Env& env, int limit) {
    return store::RepliesRepo(env.db).latest_of_kind("checkpoint", limit);
}

util::Json audit_checkpoint_json(const core::AuditCheckpoint& checkpoint) {
    return {{"seq", checkpoint.seq},
            {"head", checkpoint.head},
            {"at", checkpoint.at},
            {"text", core::checkpoint_text(checkpoint)}};
}

store::AuditVerdict verify_audit(const Env& env, const std::vector<core::CheckpointClaim>& claims) {
    auto verdict = verify_audit(env);
    store::AuditLog log(env.db);
    for (const auto& claim : claims) {
        if (!verdict.ok()) {
            break;
        }
        if (const auto problem = core::checkpoint_mismatch(claim, log.hash_of(claim.seq))) {
            verdict.broken_seq = claim.seq;
            verdict.problem = *problem;
        }
    }
    verdict.checkpoints_checked = verdict.ok() ? static_cast<std::int64_t>(claims.size()) : 0;
    return verdict;
}

util::Json audit_verdict_json(const store::AuditVerdict& verdict) {
    util::Json out = {{"ok", verdict.ok()},
                      {"checked", verdict.checked},
                      {"events_checked", verdict.events_checked},
                      {"deliveries_checked", verdict.deliveries_checked},
                      {"deliveries_not_replayable", verdict.deliveries_not_replayable},
                      {"checkpoints_checked", verdict.checkpoints_checked}};
    if (!verdict.ok()) {
        out["broken_seq"] = verdict.broken_seq;
        out["problem"] = verdict.problem;
    }
    return out;
}

std::vector<std::string> audit_columns() {
    return {"seq", "at", "actor", "action", "subject", "details", "prev_hash", "hash"};
}

std::vector<util::Json> audit_cells(const store::AuditRow& row) {
    const auto& e = row.entry;
    return {e.seq, e.at, e.actor, e.action, e.subject, e.details, row.prev_hash, row.hash};
}

void for_each_audit_entry(const Env& env,
                          const std::function<void(const store::AuditRow&)>& visit) {
    store::AuditLog(env.db).for_each(visit);
}

} // namespace kibaru::ops
