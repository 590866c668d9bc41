// The console's requests run here, off the daemon's event loop: a few threads, each with its
// own connection to the database, so an auditor downloading a million deliveries or a national
// contacts search never stalls the dispatcher and the gateway callbacks, which keep the loop
// and its connection to themselves. Jobs run in the order they come; answers go back through
// the (thread-safe) net::Responder.
#pragma once

#include "core/config.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kibaru::store {
class Database;
}

namespace kibaru::web {

struct WorkerOptions {
    std::string database_path;
    int busy_timeout_ms = 5000;
    bool read_only = false; // open the connections read-only (an auditor's copy)
    int threads = 2;
    core::Synchronous synchronous = core::Synchronous::full; // [database] synchronous
};

class Workers {
public:
    using Job = std::function<void(store::Database&)>;

    // Starts the threads; each opens its connection when it starts. Throws store::StoreError
    // when the database cannot be opened.
    explicit Workers(WorkerOptions options);
    // Finishes the running jobs; queued ones are dropped (their Responders answer 500).
    ~Workers();
    Workers(const Workers&) = delete;
    Workers& operator=(const Workers&) = delete;

    void submit(Job job);

private:
    void run(std::unique_ptr<store::Database> db);

    WorkerOptions m_options;
    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::deque<Job> m_jobs;
    bool m_stopping = false;
    std::vector<std::thread> m_threads;
};

} // namespace kibaru::web
