#include "web/workers.hpp"

#include "store/sqlite.hpp"
#include "util/heap_trim.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include <sys/resource.h>
#include <unistd.h>

namespace kibaru::web {

namespace {

// A request that took this long did large work; cheaper ones do not check the heap.
constexpr auto k_heavy_request = std::chrono::milliseconds(100);
// Free heap kept for the next requests rather than given back (the dispatcher's own reuse is
// app/heap_settings.cpp's concern; this is every thread's free memory together).
constexpr std::size_t k_heap_kept_free = 16 * 1024 * 1024;

} // namespace

Workers::Workers(WorkerOptions options) : m_options(std::move(options)) {
    for (int i = 0; i < std::max(1, m_options.threads); ++i) {
        // Opened here, so a database that cannot be opened fails the start-up, not a request.
        auto db = m_options.read_only
                      ? store::Database::open_read_only(m_options.database_path,
                                                        m_options.busy_timeout_ms)
                      : store::Database::open(m_options.database_path, m_options.busy_timeout_ms,
                                              m_options.synchronous);
        m_threads.emplace_back([this, db = std::move(db)]() mutable { run(std::move(db)); });
    }
}

Workers::~Workers() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_jobs.clear();
    }
    m_ready.notify_all();
    for (auto& thread : m_threads) {
        thread.join();
    }
}

void Workers::submit(Job job) {
    {
        std::lock_guard lock(m_mutex);
        m_jobs.push_back(std::move(job));
    }
    m_ready.notify_one();
}

void Workers::run(std::unique_ptr<store::Database> db) {
    // Sending comes first: on a two-core server a burst of console reads (an export, a script
    // polling the API) must not take the CPU the dispatcher needs. Linux gives each thread its
    // own nice value; at 10 the scheduler gives a busy worker about a tenth of what a busy
    // dispatcher gets, and all of an otherwise idle core.
    if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10) != 0) {
        spdlog::debug("console worker keeps its priority: setpriority failed");
    }
    for (;;) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            m_ready.wait(lock, [&] { return m_stopping || !m_jobs.empty(); });
            if (m_stopping) {
                return;
            }
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
        }
        const auto started = std::chrono::steady_clock::now();
        try {
            job(*db);
        } catch (const std::exception& e) {
            // The job's Responder, dropped unanswered, answers 500.
            spdlog::error("console request failed: {}", e.what());
        }
        // No request leaves a read snapshot open for the next one: each sees what is committed.
        db->reset_cached();
        // A long request (an import, an export, a backup) may leave tens of MiB free in this
        // thread's heap, which glibc would keep for the life of the process.
        if (std::chrono::steady_clock::now() - started >= k_heavy_request) {
            if (const auto freed = util::give_back_free_heap(k_heap_kept_free)) {
                spdlog::debug("console worker gave back its free heap ({} bytes)", freed);
            }
        }
    }
}

} // namespace kibaru::web
