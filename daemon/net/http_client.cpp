// libcurl's multi interface on Asio, after curl's asiohiper example and its issue history:
// curl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to time out
// (CURLMOPT_TIMERFUNCTION); we wrap each socket in a stream_descriptor with at most one pending
// wait per direction, re-armed after each event while curl still wants it, and released (never
// closed: the socket is curl's) on CURL_POLL_REMOVE. curl_multi_socket_action is only ever
// called from Asio handlers, never from inside a curl callback (curl issues #3537, #8282).
#include "net/http_client.hpp"

#include "net/asio.hpp"
#include "net/http_transfer.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <curl/curl.h>

#include <algorithm>
#include <deque>
#include <stdexcept>
#include <unistd.h>
#include <unordered_map>
#include <vector>

namespace kibaru::net {

namespace {

using detail::Handle;
using detail::Transfer;

struct GlobalInit {
    GlobalInit() {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            throw std::runtime_error("curl_global_init failed");
        }
    }
};

} // namespace

struct HttpClient::Impl {
    struct Socket {
        explicit Socket(boost::asio::io_context& io, curl_socket_t fd, std::uint64_t id_)
            : descriptor(io, fd), id(id_) {}
        boost::asio::posix::stream_descriptor descriptor;
        std::uint64_t id;
        int wanted = 0;
        bool reading = false;
        bool writing = false;
    };

    boost::asio::io_context& io;
    CURLM* multi = nullptr;
    boost::asio::steady_timer timer;
    std::unordered_map<curl_socket_t, std::unique_ptr<Socket>> sockets;
    std::uint64_t next_socket_id = 1;
    std::size_t active = 0;
    bool timeout_posted = false;
    bool timer_armed = false;
    std::chrono::steady_clock::time_point timer_deadline{};
    std::uint64_t timer_generation = 0;
    std::vector<Handle> idle; // easy handles to reuse
    const bool direct = !detail::proxy_in_environment();
    // At most `limit` transfers run at once, one per connection; the others wait here, in
    // order, and start (their timeout with them) as one ends.
    const std::size_t limit;
    // Given to curl and not yet done, owned here: at most `limit`, so a vector (no allocation
    // per request, unlike a set's node).
    std::vector<Transfer*> started;
    std::deque<std::unique_ptr<Transfer>> waiting;

    Impl(boost::asio::io_context& io_, int max_connections)
        : io(io_), timer(io_), limit(static_cast<std::size_t>(std::max(1, max_connections))) {
        static GlobalInit init;
        multi = curl_multi_init();
        curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
        curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
        curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
        curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
        curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(max_connections));
    }

    ~Impl() {
        timer.cancel();
        // Transfers still running (only at shutdown, past the drain deadline) are abandoned:
        // their callbacks never run.
        for (Transfer* transfer : started) {
            curl_multi_remove_handle(multi, transfer->handle.easy);
            detail::release(transfer->handle);
            const std::unique_ptr<Transfer> owned(transfer); // owned through CURLOPT_PRIVATE
        }
        // Closes the cached connections through on_close.
        curl_multi_cleanup(multi);
        for (auto& handle : idle) {
            detail::release(handle);
        }
        for (auto& transfer : waiting) {
            detail::release(transfer->handle);
        }
        for (auto& [fd, socket] : sockets) {
            socket->descriptor.release();
        }
    }

    // A socket stays registered with the reactor for as long as it is open, across the
    // transfers of a kept-alive connection: CURL_POLL_REMOVE only stops watching it, and the
    // registration ends when curl closes the socket through on_close. (Registering and
    // deregistering per transfer cost two epoll_ctl calls per SMS.)
    static int on_socket(CURL*, curl_socket_t fd, int what, void* self_ptr, void*) {
        auto* self = static_cast<Impl*>(self_ptr);
        auto it = self->sockets.find(fd);
        if (what == CURL_POLL_REMOVE) {
            if (it != self->sockets.end()) {
                it->second->wanted = 0;
                boost::system::error_code ignored;
                it->second->descriptor.cancel(ignored);
            }
            return 0;
        }
        if (it == self->sockets.end()) {
            it = self->sockets
                     .emplace(fd, std::make_unique<Socket>(self->io, fd, self->next_socket_id++))
                     .first;
        }
        it->second->wanted = what;
        self->arm(fd, *it->second);
        return 0;
    }

    static int on_close(void* self_ptr, curl_socket_t fd) {
        auto* self = static_cast<Impl*>(self_ptr);
        if (auto it = self->sockets.find(fd); it != self->sockets.end()) {
            it->second->descriptor.release(); // deregisters; the close below is curl's
            self->sockets.erase(it);
        }
        return ::close(fd);
    }

    // curl moves its timeout after nearly every action. Re-arming an Asio timer costs a
    // timerfd_settime system call each time, which profiling showed to be a fifth of the CPU of
    // a broadcast, so: a zero timeout is a post(), a later deadline than the one armed is left
    // alone (an early socket_action(CURL_SOCKET_TIMEOUT) is harmless: curl re-arms), and only an
    // earlier deadline re-arms the timer.
    static int on_timer(CURLM*, long timeout_ms, void* self_ptr) {
        auto* self = static_cast<Impl*>(self_ptr);
        if (timeout_ms < 0) {
            return 0; // nothing to time out; a pending wait will fire harmlessly
        }
        if (timeout_ms == 0) {
            if (!self->timeout_posted) {
                self->timeout_posted = true;
                boost::asio::post(self->io, [self] {
                    self->timeout_posted = false;
                    self->on_timeout();
                });
            }
            return 0;
        }
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        if (self->timer_armed && self->timer_deadline <= deadline) {
            return 0;
        }
        self->timer_armed = true;
        self->timer_deadline = deadline;
        const auto generation = ++self->timer_generation;
        self->timer.expires_at(deadline);
        self->timer.async_wait([self, generation](const boost::system::error_code& ec) {
            if (ec || generation != self->timer_generation) {
                return; // replaced by an earlier deadline
            }
            self->timer_armed = false;
            self->on_timeout();
        });
        return 0;
    }

    void on_timeout() {
        int running = 0;
        curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
        collect();
    }

    void arm(curl_socket_t fd, Socket& socket) {
        using boost::asio::posix::stream_descriptor;
        if ((socket.wanted & CURL_POLL_IN) && !socket.reading) {
            socket.reading = true;
            socket.descriptor.async_wait(
                stream_descriptor::wait_read,
                [this, fd, id = socket.id](const boost::system::error_code& ec) {
                    ready(fd, id, CURL_CSELECT_IN, ec);
                });
        }
        if ((socket.wanted & CURL_POLL_OUT) && !socket.writing) {
            socket.writing = true;
            socket.descriptor.async_wait(
                stream_descriptor::wait_write,
                [this, fd, id = socket.id](const boost::system::error_code& ec) {
                    ready(fd, id, CURL_CSELECT_OUT, ec);
                });
        }
    }

    Socket* find(curl_socket_t fd, std::uint64_t id) {
        const auto it = sockets.find(fd);
        return it != sockets.end() && it->second->id == id ? it->second.get() : nullptr;
    }

    void ready(curl_socket_t fd, std::uint64_t id, int direction,
               const boost::system::error_code& ec) {
        Socket* socket = find(fd, id);
        if (!socket) {
            return; // removed (or the fd reused for a new socket) while the wait was queued
        }
        (direction == CURL_CSELECT_IN ? socket->reading : socket->writing) = false;
        if (ec == boost::asio::error::operation_aborted) {
            return;
        }
        int running = 0;
        curl_multi_socket_action(multi, fd, ec ? CURL_CSELECT_ERR : direction, &running);
        collect();
        if (Socket* still = find(fd, id)) {
            arm(fd, *still);
        }
    }

    void start(std::unique_ptr<Transfer> transfer) {
        transfer->started = std::chrono::steady_clock::now();
        if (const CURLMcode code = curl_multi_add_handle(multi, transfer->handle.easy);
            code != CURLM_OK) {
            answer_unsent(std::move(transfer), std::string("the request could not be started: ") +
                                                   curl_multi_strerror(code));
            return;
        }
        started.push_back(transfer.get());
        transfer.release(); // owned through CURLOPT_PRIVATE until collect() or ~Impl
    }

    // A request that never left (curl could not start it, or it was cancelled while waiting
    // for a connection): answered as such with `why`, never left in flight.
    void answer_unsent(std::unique_ptr<Transfer> transfer, std::string why) {
        transfer->response.error = std::move(why);
        transfer->response.never_sent = true;
        detail::release(transfer->handle);
        answer(std::move(transfer));
    }

    // Still counted in flight until its callback has run, so that nobody sees "nothing in
    // flight" while an outcome waits in the queue.
    void answer(std::unique_ptr<Transfer> transfer) {
        boost::asio::post(io, [this, done = std::move(transfer->done),
                               r = std::move(transfer->response)]() mutable {
            --active;
            done(std::move(r));
        });
    }

    void start_waiting() {
        while (started.size() < limit && !waiting.empty()) {
            auto next = std::move(waiting.front());
            waiting.pop_front();
            start(std::move(next));
        }
    }

    // Completed transfers: remove them and hand their responses back through the loop.
    void collect() {
        CURLMsg* message = nullptr;
        int left = 0;
        while ((message = curl_multi_info_read(multi, &left))) {
            if (message->msg != CURLMSG_DONE) {
                continue;
            }
            CURL* easy = message->easy_handle;
            const CURLcode result = message->data.result;
            Transfer* transfer = nullptr;
            curl_easy_getinfo(easy, CURLINFO_PRIVATE, &transfer);
            curl_multi_remove_handle(multi, easy);
            detail::read_result(*transfer, result);
            // Kept for the next request, options and headers included; its connection stays in
            // the multi handle's cache either way.
            if (idle.size() < 256) {
                idle.push_back(std::move(transfer->handle));
            } else {
                detail::release(transfer->handle);
            }
            std::erase(started, transfer);
            answer(std::unique_ptr<Transfer>(transfer));
            start_waiting();
        }
    }
};

HttpClient::HttpClient(boost::asio::io_context& io, int max_connections)
    : m_impl(std::make_unique<Impl>(io, max_connections)) {}

HttpClient::~HttpClient() = default;

std::size_t HttpClient::in_flight() const {
    return m_impl->active;
}

void HttpClient::send(core::HttpRequest request, std::chrono::milliseconds timeout,
                      std::function<void(HttpResponse)> done) {
    auto transfer = std::make_unique<Transfer>();
    transfer->done = std::move(done);
    ++m_impl->active;
    try {
        if (m_impl->idle.empty()) {
            transfer->handle = detail::new_handle(&Impl::on_close, m_impl.get(), m_impl->direct);
        } else {
            transfer->handle = std::move(m_impl->idle.back());
            m_impl->idle.pop_back();
        }
        detail::prepare(*transfer, request, timeout, m_impl->direct);
    } catch (const std::exception& e) { // out of memory: it never leaves, and says so
        m_impl->answer_unsent(std::move(transfer),
                              std::string("the request could not be started: ") + e.what());
        return;
    }
    if (m_impl->started.size() < m_impl->limit) {
        m_impl->start(std::move(transfer));
    } else {
        m_impl->waiting.push_back(std::move(transfer));
    }
}

void HttpClient::cancel_waiting(const std::string& why) {
    auto waiting = std::move(m_impl->waiting);
    m_impl->waiting.clear();
    for (auto& transfer : waiting) {
        m_impl->answer_unsent(std::move(transfer), why);
    }
}

HttpResponse exchange_blocking(const core::HttpRequest& request,
                               std::chrono::milliseconds timeout) {
    boost::asio::io_context io;
    HttpClient client(io, 1);
    HttpResponse response;
    client.send(request, timeout, [&response](HttpResponse r) { response = std::move(r); });
    io.run();
    return response;
}

} // namespace kibaru::net
