#include "net/http_thread.hpp"

#include "net/asio.hpp"
#include "net/http_client.hpp"
#include "net/run_loop.hpp"

#include <cstddef>
#include <mutex>
#include <optional>
#include <pthread.h>
#include <thread>
#include <utility>
#include <vector>

namespace kibaru::net {

namespace {

using Callback = std::function<void(HttpResponse)>;
using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;

// What one port and the thread share. The queues cross between the two threads under the
// mutex; each side wakes the other once per batch (when it finds its queue empty).
struct Exchanges : std::enable_shared_from_this<Exchanges> {
    struct Outgoing {
        core::HttpRequest request;
        std::chrono::milliseconds timeout;
        Callback done;
    };
    struct Answer {
        Callback done;
        HttpResponse response;
    };

    // The client is made here, on the caller's thread (as HttpClient always was), and used
    // only on the thread from then on.
    Exchanges(boost::asio::io_context& home_, boost::asio::io_context& thread_io_,
              int max_connections)
        : home(home_), thread_io(thread_io_),
          client(std::make_unique<HttpClient>(thread_io_, max_connections)) {}

    boost::asio::io_context& home;
    boost::asio::io_context& thread_io;

    std::mutex mutex;
    std::vector<Outgoing> outgoing; // guarded by mutex
    std::vector<Answer> answered;   // guarded by mutex

    // The thread's; closed by ~HttpThread once the thread has stopped.
    std::unique_ptr<HttpClient> client;

    // The home thread's.
    bool alive = true; // the port exists
    std::size_t in_flight = 0;
    std::optional<WorkGuard> keep_home;

    // Home: queues a request for the thread.
    void send(core::HttpRequest request, std::chrono::milliseconds timeout, Callback done) {
        if (in_flight++ == 0) {
            keep_home.emplace(home.get_executor());
        }
        queue(outgoing, {std::move(request), timeout, std::move(done)}, thread_io,
              &Exchanges::start_outgoing);
    }

    // Queues `item` for the other side; wakes it (`drain` on `io`) only when the queue was
    // empty, since a drain takes everything queued.
    template <typename T>
    void queue(std::vector<T>& items, T item, boost::asio::io_context& io,
               void (Exchanges::*drain)()) {
        bool wake = false;
        {
            const std::lock_guard lock(mutex);
            wake = items.empty();
            items.push_back(std::move(item));
        }
        if (wake) {
            boost::asio::post(io, [self = shared_from_this(), drain] { ((*self).*drain)(); });
        }
    }

    // Thread: starts every request queued since the last wake-up.
    void start_outgoing() {
        std::vector<Outgoing> batch;
        {
            const std::lock_guard lock(mutex);
            batch.swap(outgoing);
        }
        // A request curl cannot start comes back from the client as never sent.
        for (auto& o : batch) {
            client->send(std::move(o.request), o.timeout,
                         [self = shared_from_this(),
                          done = std::move(o.done)](HttpResponse response) mutable {
                             self->answer(std::move(done), std::move(response));
                         });
        }
    }

    // Thread: queues an answer for home.
    void answer(Callback done, HttpResponse response) {
        queue(answered, {std::move(done), std::move(response)}, home, &Exchanges::hand_back);
    }

    // Home: runs the callbacks of every answer queued since the last wake-up, each counted out
    // of flight first (as HttpClient does). A callback that throws leaves the rest queued for
    // the next turn of the loop.
    void hand_back() {
        std::vector<Answer> batch;
        {
            const std::lock_guard lock(mutex);
            batch.swap(answered);
        }
        for (std::size_t i = 0; i < batch.size() && alive; ++i) {
            if (--in_flight == 0) {
                keep_home.reset();
            }
            try {
                batch[i].done(std::move(batch[i].response));
            } catch (...) {
                requeue(batch, i + 1);
                throw;
            }
        }
    }

    void requeue(std::vector<Answer>& batch, std::size_t from) {
        if (from == batch.size()) {
            return;
        }
        const std::lock_guard lock(mutex);
        const bool wake = answered.empty();
        answered.insert(answered.begin(), std::make_move_iterator(batch.begin() + from),
                        std::make_move_iterator(batch.end()));
        if (wake) {
            boost::asio::post(home, [self = shared_from_this()] { self->hand_back(); });
        }
    }
};

class ThreadedPort final : public HttpPort {
public:
    explicit ThreadedPort(std::shared_ptr<Exchanges> exchanges)
        : m_exchanges(std::move(exchanges)) {}
    ~ThreadedPort() override {
        m_exchanges->alive = false;
        m_exchanges->keep_home.reset();
    }
    ThreadedPort(const ThreadedPort&) = delete;
    ThreadedPort& operator=(const ThreadedPort&) = delete;

    void send(core::HttpRequest request, std::chrono::milliseconds timeout,
              Callback done) override {
        m_exchanges->send(std::move(request), timeout, std::move(done));
    }
    std::size_t in_flight() const override { return m_exchanges->in_flight; }
    // Handled after the requests sent before it (the thread's handlers run in order).
    void cancel_waiting(const std::string& why) override {
        boost::asio::post(m_exchanges->thread_io, [exchanges = m_exchanges, why] {
            exchanges->client->cancel_waiting(why);
        });
    }

private:
    std::shared_ptr<Exchanges> m_exchanges;
};

} // namespace

struct HttpThread::Impl {
    boost::asio::io_context io;
    WorkGuard keep_running{io.get_executor()};
    std::vector<std::shared_ptr<Exchanges>> ports;
    std::thread thread;
};

HttpThread::HttpThread() : m_impl(std::make_unique<Impl>()) {
    m_impl->thread = std::thread([impl = m_impl.get()] {
        ::pthread_setname_np(::pthread_self(), "kibaru-http"); // as `top -H` and perf show it
        run_until_stopped(impl->io, "gateway HTTP thread");
    });
}

HttpThread::~HttpThread() {
    m_impl->io.stop();
    m_impl->thread.join();
    for (auto& port : m_impl->ports) {
        port->client.reset(); // with the thread stopped: its handlers are never run
    }
}

std::unique_ptr<HttpPort> HttpThread::port(boost::asio::io_context& home, int max_connections) {
    auto exchanges = std::make_shared<Exchanges>(home, m_impl->io, max_connections);
    m_impl->ports.push_back(exchanges);
    return std::make_unique<ThreadedPort>(std::move(exchanges));
}

} // namespace kibaru::net
