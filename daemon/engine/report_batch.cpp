#include "engine/report_batch.hpp"

#include "net/asio.hpp"
#include "store/event_seal.hpp"
#include "store/sqlite.hpp"

#include <spdlog/spdlog.h>

namespace kibaru::engine {

ReportBatch::ReportBatch(boost::asio::io_context& io, store::Database& db,
                         std::function<std::string()> now, std::string actor)
    : m_io(io), m_db(db), m_now(std::move(now)), m_actor(std::move(actor)) {}

void ReportBatch::add(core::DeliveryReport report, Done done) {
    m_pending.push_back({std::move(report), std::move(done)});
    if (!m_posted) {
        m_posted = true;
        // Runs after every handler already queued: the reports read in this turn of the loop.
        boost::asio::post(m_io, [this] { flush(); });
    }
}

std::vector<store::ReportResult>
ReportBatch::apply(const std::vector<core::DeliveryReport>& reports) {
    const std::string now = m_now();
    store::Transaction tx(m_db);
    auto results = store::DeliveriesRepo(m_db).apply_reports(reports, now);
    store::seal_delivery_events(m_db, now, m_actor);
    tx.commit();
    ++m_batches;
    return results;
}

void ReportBatch::flush() {
    m_posted = false;
    std::vector<Pending> batch;
    batch.swap(m_pending);
    std::vector<core::DeliveryReport> reports;
    reports.reserve(batch.size());
    for (const auto& p : batch) {
        reports.push_back(p.report);
    }
    bool storage_failed = true;
    try {
        const auto results = apply(reports);
        for (std::size_t i = 0; i < batch.size(); ++i) {
            batch[i].done(&results[i]);
        }
        return;
    } catch (const store::StoreError& e) {
        storage_failed = store::is_storage_failure(e.code());
        spdlog::error("{} delivery reports not recorded: {}", batch.size(), e.what());
    } catch (const std::exception& e) {
        storage_failed = false;
        spdlog::error("{} delivery reports not recorded: {}", batch.size(), e.what());
    }
    // Busy, full or failing storage refuses every report alike: the gateway is asked to send
    // them again later. A report the database refuses for itself must not make its neighbours
    // fail with it, so then a batch of several is tried again one by one.
    for (auto& p : batch) {
        if (storage_failed || batch.size() == 1) {
            p.done(nullptr);
            continue;
        }
        try {
            const auto results = apply({p.report});
            p.done(&results.front());
        } catch (const std::exception& e) {
            spdlog::error("delivery report (ref {}, id {}) not recorded: {}", p.report.ref,
                          p.report.gateway_id, e.what());
            p.done(nullptr);
        }
    }
}

} // namespace kibaru::engine
