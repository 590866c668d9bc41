// The HTTP exchange a gateway lane needs, as a port: libcurl on the daemon's io_context in
// production (net/http_client.hpp), an in-process fake in the engine's tests, so that lanes,
// routing, failover and breakers are tested without sockets or timing.
#pragma once

#include "core/gateway.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace kibaru::net {

struct HttpResponse {
    int status = 0;   // 0 when no HTTP answer came
    std::string body; // at most 64 KiB is kept
    std::optional<std::chrono::seconds> retry_after;
    std::string error; // curl's description when status is 0
    // The request certainly never reached the gateway: the connection was refused, the name did
    // not resolve, TLS failed. (A timeout or a reset leaves it in doubt: false.)
    bool never_sent = false;
    // From the request's start on a connection to its answer: the gateway's round trip (in
    // microseconds: a gateway on the same machine answers in less than a millisecond).
    std::chrono::microseconds latency{0};
};

class HttpPort {
public:
    virtual ~HttpPort() = default;
    // Starts `request`; `done` runs later on the caller's io_context (never inside send) once
    // it completes, fails or times out. Network failures come back as status 0 with `error`.
    virtual void send(core::HttpRequest request, std::chrono::milliseconds timeout,
                      std::function<void(HttpResponse)> done) = 0;
    // Requests started and not yet completed.
    virtual std::size_t in_flight() const = 0;
    // Answers every request still waiting for a connection (none of them has left) as never
    // sent, with `why` as its error; requests already on the wire go on. For a lane whose
    // circuit opened: what it had claimed goes to the next gateway now, not into the outage.
    // A port that never queues has nothing to cancel.
    virtual void cancel_waiting(const std::string& why) { static_cast<void>(why); }
};

} // namespace kibaru::net
