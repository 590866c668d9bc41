#include "engine/storage_guard.hpp"

#include "store/audit_log.hpp"
#include "store/sqlite.hpp"
#include "util/metrics.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace kibaru::engine {

using namespace std::chrono;

StorageGuard::StorageGuard(boost::asio::io_context& io, Options options,
                           std::function<void()> retry, std::function<bool()> answers_waiting)
    : m_timer(io), m_options(options), m_retry(std::move(retry)),
      m_answers_waiting(std::move(answers_waiting)) {}

StorageGuard::~StorageGuard() noexcept {
    try {
        if (const auto held_back = m_slow.held_back()) {
            spdlog::warn("{}", describe(*held_back));
        }
    } catch (...) { // a line lost, nothing else
    }
}

void StorageGuard::timed_write(const char* doing, steady_clock::duration took,
                               steady_clock::time_point now) noexcept {
    try {
        if (took >= SlowWrites::k_slow && m_options.metrics) {
            ++m_options.metrics->slow_writes;
        }
        if (const auto summary = m_slow.wrote(doing, took, now)) {
            spdlog::warn("{}", describe(*summary));
        }
    } catch (...) { // a line lost, nothing else
    }
}

bool StorageGuard::absorbed(const char* doing, const std::exception& e, Write kind) {
    if (m_options.rethrow) {
        return false;
    }
    const auto* refusal = dynamic_cast<const store::StoreError*>(&e);
    if (refusal && store::is_storage_failure(refusal->code())) {
        refused(doing, e.what());
        return true;
    }
    if (kind == Write::other) {
        return false;
    }
    // Not the disk, in the dispatcher's cycle: a row or a value the write cannot take (a
    // defect, or a file edited by hand). The same claim would fail again after a restart, so
    // ending the daemon only had systemd start it into the same failure over and over, the
    // console down with it. It waits as a refused write does (nothing claimed, /healthz says
    // why), and the log says what it is. Only the cycle's writes: the retry runs that same cycle
    // again, so a success means this write succeeded (a failing week's opening, retried by a
    // cycle that commits, would flap between failed and recovered and audit each recovery).
    refused(doing, std::string("unexpected error (please report it): ") + e.what());
    return true;
}

void StorageGuard::refused(const char* doing, const std::string& error) {
    if (m_health.failed(std::string(doing) + ": " + error, steady_clock::now())) {
        spdlog::error("the database refuses writes ({}: {}); no new sends are claimed until a "
                      "write succeeds again, tried every {} ms; {} outcomes wait in memory",
                      doing, error, m_options.retry_every.count(),
                      m_answers_waiting() ? "the gateways'" : "no");
    }
    if (m_options.metrics) {
        m_options.metrics->storage_failure = m_health.reason();
    }
    retry_later();
}

void StorageGuard::retry_later() {
    if (m_stopped) {
        return;
    }
    m_timer.expires_after(m_options.retry_every);
    m_timer.async_wait([this](const boost::system::error_code& ec) {
        if (!ec && !m_stopped) {
            m_retry();
        }
    });
}

void StorageGuard::stop() {
    m_stopped = true;
    m_timer.cancel();
}

void StorageGuard::audit_if_resuming(store::Database& db, const std::string& now,
                                     const std::string& actor) {
    if (!m_health.failing()) {
        return;
    }
    const auto failed_for = duration_cast<seconds>(m_health.failing_for(steady_clock::now()));
    store::AuditLog(db).append(
        now, actor, "storage.recovered", "database",
        nlohmann::json{{"failed_for_seconds", failed_for.count()}, {"error", m_health.reason()}}
            .dump());
}

void StorageGuard::resumed() {
    const auto failed_for = m_health.succeeded(steady_clock::now());
    if (!failed_for) {
        return;
    }
    if (m_options.metrics) {
        m_options.metrics->storage_failure.clear();
    }
    spdlog::warn("the database takes writes again after {} s; sending resumes",
                 duration_cast<seconds>(*failed_for).count());
}

} // namespace kibaru::engine
