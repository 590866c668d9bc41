#include "web/report_batch.hpp"

#include "net/asio.hpp"
#include "ops/delivery_reports.hpp"
#include "store/sqlite.hpp"

#include <spdlog/spdlog.h>

namespace kibaru::web {

ReportBatch::ReportBatch(boost::asio::io_context& io, std::function<ops::Env()> env)
    : m_io(io), m_env(std::move(env)) {}

void ReportBatch::add(core::DeliveryReport report, Done done) {
    m_pending.push_back({std::move(report), std::move(done)});
    if (!m_posted) {
        m_posted = true;
        // Runs after every handler already queued: the reports read in this turn of the loop.
        boost::asio::post(m_io, [this] { flush(); });
    }
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
        const auto results = ops::apply_delivery_reports(m_env(), reports);
        ++m_batches;
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
            const auto results = ops::apply_delivery_reports(m_env(), {p.report});
            ++m_batches;
            p.done(&results.front());
        } catch (const std::exception& e) {
            spdlog::error("delivery report (ref {}, id {}) not recorded: {}", p.report.ref,
                          p.report.gateway_id, e.what());
            p.done(nullptr);
        }
    }
}

} // namespace kibaru::web
