// Applying what gateways report about deliveries and replies: a batch of delivery reports in
// one transaction with one seal of the events they write. A report that is no delivery's is
// tried as a reply's (ref "r<id>", or the gateway's message id).
#pragma once

#include "core/callbacks.hpp"
#include "ops/env.hpp"
#include "store/deliveries_repo.hpp"

#include <vector>

namespace kibaru::ops {

// One result per report, in order (see DeliveriesRepo::apply_reports). Throws
// store::StoreError when the database refuses the batch (busy, full): nothing is written.
std::vector<store::ReportResult>
apply_delivery_reports(const Env& env, const std::vector<core::DeliveryReport>& reports);

} // namespace kibaru::ops
