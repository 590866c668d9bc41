// Delivery reports applied in batches: the reports that arrive in one turn of the daemon's loop
// are applied in one transaction with one seal of their events (ops::apply_delivery_reports),
// and each is answered only after that commit, so a report is acknowledged once it is durable
// and a burst of thousands costs a few commits, not one each. Loop thread only.
#pragma once

#include "core/callbacks.hpp"
#include "ops/env.hpp"
#include "store/deliveries_repo.hpp"

#include <cstdint>
#include <functional>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace kibaru::web {

class ReportBatch {
public:
    // Called once per report after its batch is settled: with its result once committed, or
    // with nullptr when it could not be recorded now (database busy, disk full…): the gateway
    // must then be told to try again later.
    using Done = std::function<void(const store::ReportResult*)>;

    // `env` makes the Env of each batch (its instant is the batch's).
    ReportBatch(boost::asio::io_context& io, std::function<ops::Env()> env);

    // Queues a report; the batch is applied when the loop has handled what is ready now.
    void add(core::DeliveryReport report, Done done);

    std::uint64_t batches() const { return m_batches; } // transactions committed so far

private:
    struct Pending {
        core::DeliveryReport report;
        Done done;
    };

    void flush();

    boost::asio::io_context& m_io;
    std::function<ops::Env()> m_env;
    std::vector<Pending> m_pending;
    bool m_posted = false;
    std::uint64_t m_batches = 0;
};

} // namespace kibaru::web
