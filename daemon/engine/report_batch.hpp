// Delivery reports applied in batches: the reports that arrive in one turn of the daemon's loop
// are applied in one transaction with one seal of their events, and each is answered only
// after that commit, so a report is acknowledged once it is durable and a burst of thousands
// costs a few commits, not one each. Loop thread only.
#pragma once

#include "core/callbacks.hpp"
#include "store/deliveries_repo.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace kibaru::store {
class Database;
}

namespace kibaru::engine {

class ReportBatch {
public:
    // Called once per report after its batch is settled: with its result once committed, or
    // with nullptr when it could not be recorded now (database busy, disk full…): the gateway
    // must then be told to try again later.
    using Done = std::function<void(const store::ReportResult*)>;

    ReportBatch(boost::asio::io_context& io, store::Database& db, std::function<std::string()> now,
                std::string actor);

    // Queues a report; the batch is applied when the loop has handled what is ready now.
    void add(core::DeliveryReport report, Done done);

    std::uint64_t batches() const { return m_batches; } // transactions committed so far

private:
    struct Pending {
        core::DeliveryReport report;
        Done done;
    };

    void flush();
    // Applies `reports` in one transaction with one seal: their results, or throws.
    std::vector<store::ReportResult> apply(const std::vector<core::DeliveryReport>& reports);

    boost::asio::io_context& m_io;
    store::Database& m_db;
    std::function<std::string()> m_now;
    std::string m_actor;
    std::vector<Pending> m_pending;
    bool m_posted = false;
    std::uint64_t m_batches = 0;
};

} // namespace kibaru::engine
