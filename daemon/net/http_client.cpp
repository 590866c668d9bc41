// libcurl's multi interface on Asio, after curl's asiohiper example and its issue history:
// curl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to time out
// (CURLMOPT_TIMERFUNCTION); we wrap each socket in a stream_descriptor with at most one pending
// wait per direction, re-armed after each event while curl still wants it, and released (never
// closed: the socket is curl's) on CURL_POLL_REMOVE. curl_multi_socket_action is only ever
// called from Asio handlers, never from inside a curl callback (curl issues #3537, #8282).
#include "net/http_client.hpp"

#include "net/asio.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <curl/curl.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <unistd.h>
#include <unordered_map>
#include <vector>

namespace kibaru::net {

namespace {

constexpr std::size_t k_max_body = 64 * 1024;

// An easy handle kept between requests, with the header list it was last given: what stays the
// same from one SMS to the next (callbacks, protocols, the gateway's headers) is set once.
struct Handle {
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    std::vector<std::string> header_lines; // what `headers` was built from
    std::string origin;                    // CURLOPT_URL when a request target is set, else empty
};

// curl takes proxies from the environment; a proxy needs the whole URL on the request line.
bool proxy_in_environment() {
    for (const char* name :
         {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
        const char* value = std::getenv(name);
        if (value && *value) {
            return true;
        }
    }
    return false;
}

void release(Handle& handle) {
    curl_slist_free_all(handle.headers);
    curl_easy_cleanup(handle.easy);
}

struct Transfer {
    Handle handle;
    HttpResponse response;
    std::function<void(HttpResponse)> done;
    std::chrono::steady_clock::time_point started;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    auto& body = transfer->response.body;
    body.append(data, std::min(bytes, k_max_body - std::min(k_max_body, body.size())));
    return bytes;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    const std::string_view line(data, bytes);
    constexpr std::string_view k_name = "retry-after:";
    if (line.size() > k_name.size() &&
        strncasecmp(line.data(), k_name.data(), k_name.size()) == 0) {
        std::string_view value = line.substr(k_name.size());
        while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) {
            value.remove_suffix(1);
        }
        transfer->response.retry_after = core::parse_retry_after(value);
    }
    return bytes;
}

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
    const bool direct = !proxy_in_environment();

    Impl(boost::asio::io_context& io_, int max_connections) : io(io_), timer(io_) {
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
        // Closes the cached connections through on_close; transfers still running (only at
        // shutdown, past the drain deadline) are abandoned.
        curl_multi_cleanup(multi);
        for (auto& handle : idle) {
            release(handle);
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
            auto& response = transfer->response;
            response.latency = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - transfer->started);
            if (result == CURLE_OK) {
                long status = 0;
                curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
                response.status = static_cast<int>(status);
            } else {
                response.status = 0;
                response.error = curl_easy_strerror(result);
                response.never_sent =
                    result == CURLE_COULDNT_CONNECT || result == CURLE_COULDNT_RESOLVE_HOST ||
                    result == CURLE_COULDNT_RESOLVE_PROXY || result == CURLE_SSL_CONNECT_ERROR ||
                    result == CURLE_PEER_FAILED_VERIFICATION ||
                    result == CURLE_UNSUPPORTED_PROTOCOL || result == CURLE_URL_MALFORMAT;
            }
            // Kept for the next request, options and headers included; its connection stays in
            // the multi handle's cache either way.
            if (idle.size() < 256) {
                idle.push_back(std::move(transfer->handle));
            } else {
                release(transfer->handle);
            }
            std::unique_ptr<Transfer> owned(transfer);
            // Still counted in flight until its callback has run, so that nobody sees "nothing
            // in flight" while an outcome waits in the queue.
            boost::asio::post(io, [this, done = std::move(owned->done),
                                   r = std::move(owned->response)]() mutable {
                --active;
                done(std::move(r));
            });
        }
    }
};

HttpClient::HttpClient(boost::asio::io_context& io, int max_connections)
    : m_impl(std::make_unique<Impl>(io, max_connections)) {}

HttpClient::~HttpClient() = default;

std::size_t HttpClient::in_flight() const {
    return m_impl->active;
}

void HttpClient::send(const core::HttpRequest& request, std::chrono::milliseconds timeout,
                      std::function<void(HttpResponse)> done) {
    auto transfer = std::make_unique<Transfer>();
    transfer->done = std::move(done);
    transfer->started = std::chrono::steady_clock::now();
    if (m_impl->idle.empty()) {
        CURL* easy = curl_easy_init();
        curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_body);
        curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &on_header);
        curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &Impl::on_close);
        curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, m_impl.get());
        curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
        if (m_impl->direct) {
            // No proxy in the environment now: spares curl reading it again for every request.
            curl_easy_setopt(easy, CURLOPT_PROXY, "");
        }
        transfer->handle.easy = easy;
    } else {
        transfer->handle = std::move(m_impl->idle.back());
        m_impl->idle.pop_back();
    }
    auto& handle = transfer->handle;
    CURL* easy = handle.easy;
    // curl 7.88 copies a URL's path and query to the request line, and re-assembles the whole
    // URL when it parses it, one character at a time through its printf: for a Kannel GET of
    // some 350 characters that was a sixth of the CPU of a broadcast. Given the target as
    // CURLOPT_REQUEST_TARGET and only the origin as the URL, it sends the same bytes with a
    // copy. (The target is a suffix of the URL, so it ends with the URL's terminating NUL.)
    const auto split = m_impl->direct ? core::split_request_target(request.url) : std::nullopt;
    if (split) {
        if (handle.origin != split->origin) {
            handle.origin = split->origin;
            curl_easy_setopt(easy, CURLOPT_URL, handle.origin.c_str());
        }
        curl_easy_setopt(easy, CURLOPT_REQUEST_TARGET, split->target.data());
    } else {
        handle.origin.clear();
        curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
        curl_easy_setopt(easy, CURLOPT_REQUEST_TARGET, nullptr);
    }
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<std::int64_t>(timeout.count(), 5000)));
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
    if (request.method == "POST") {
        curl_easy_setopt(easy, CURLOPT_POST, 1L);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
        curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, request.body.c_str());
    } else {
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L); // undoes a POST of an earlier request
    }
    if (handle.header_lines != request.headers || !handle.headers) {
        curl_slist_free_all(handle.headers);
        handle.headers = nullptr;
        for (const auto& header : request.headers) {
            handle.headers = curl_slist_append(handle.headers, header.c_str());
        }
        // No "Expect: 100-continue" round trip for our small bodies.
        handle.headers = curl_slist_append(handle.headers, "Expect:");
        handle.header_lines = request.headers;
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, handle.headers);
    }
    ++m_impl->active;
    curl_multi_add_handle(m_impl->multi, easy);
    transfer.release(); // owned through CURLOPT_PRIVATE until collect()
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
