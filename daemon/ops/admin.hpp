// The state of the whole installation (`status`) and the audit log: verifying its chain and
// the delivery events' seals, and the rows it is exported as.
#pragma once

#include "ops/env.hpp"
#include "store/audit_log.hpp"
#include "store/replies_repo.hpp"
#include "util/rows.hpp"

#include <functional>
#include <vector>

namespace kibaru::ops {

// `status --format json`: database, schema_version, config, contacts (by status), campaigns
// (by status), deliveries (by state), audit_entries.
util::Json installation_status(const Env& env);

// The chain, then (when it holds) every delivery event against its seal.
store::AuditVerdict verify_audit(const Env& env);
// The same on any connection (a backup's copy, opened read-only).
store::AuditVerdict verify_audit(store::Database& db);
util::Json audit_verdict_json(const store::AuditVerdict& verdict);

// The audit chain's head now, as a witness keeps it.
core::AuditCheckpoint audit_checkpoint(const Env& env);
util::Json audit_checkpoint_json(const core::AuditCheckpoint& checkpoint);
// The checkpoints texted to the [audit] witnesses, newest first, each with its delivery state
// (the audit page shows whether each reached its witness).
std::vector<store::ReplyListing> checkpoints_sent(const Env& env, int limit = 50);
// verify_audit, then each checkpoint a witness kept: the first the log contradicts breaks the
// verdict (broken_seq its entry), even when the chain itself is intact.
store::AuditVerdict verify_audit(const Env& env, const std::vector<core::CheckpointClaim>& claims);

std::vector<std::string> audit_columns();
std::vector<util::Json> audit_cells(const store::AuditRow& row);
void for_each_audit_entry(const Env& env, const std::function<void(const store::AuditRow&)>& visit);

} // namespace kibaru::ops
