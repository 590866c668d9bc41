// Delivery reports applied in batches (web/loop_batch.hpp): the reports that arrive in one turn
// of the daemon's loop are applied in one transaction with one seal of their events
// (ops::apply_delivery_reports), each answered only after that commit.
#pragma once

#include "core/callbacks.hpp"
#include "ops/env.hpp"
#include "store/deliveries_repo.hpp"
#include "web/loop_batch.hpp"

#include <functional>

namespace kibaru::web {

class ReportBatch : public LoopBatch<core::DeliveryReport, store::ReportResult> {
public:
    // `env` makes the Env of each batch (its instant is the batch's).
    ReportBatch(boost::asio::io_context& io, std::function<ops::Env()> env);
};

} // namespace kibaru::web
