// The gateways' HTTP on a thread of its own. The dispatcher's thread commits each cycle (claims
// and outcomes, with the database's fsync) before its requests leave; with the requests' libcurl
// work and socket system calls on the same thread, no answer was read while a commit waited on
// the disk, and sending used one of the server's two cores. Here each lane's libcurl client runs
// on a second io_context and thread: the dispatcher hands it requests, after its commit as
// before, and gets the answers back on its own io_context, in batches (one wake-up of the other
// thread per batch, not per SMS).
//
// What stays as it was: a port's send(), in_flight() and callbacks belong to the caller's thread
// (the `home` io_context), so the engine's state is never shared; a request leaves only after
// send() is called; an answer counts in flight until its callback has run.
#pragma once

#include "net/http_port.hpp"

#include <memory>

namespace boost::asio {
class io_context;
}

namespace kibaru::net {

class HttpThread {
public:
    HttpThread(); // starts the thread
    // Stops the thread: transfers still running are abandoned, their callbacks never run (as
    // the engine's shutdown deadline expects); then the clients are closed.
    ~HttpThread();
    HttpThread(const HttpThread&) = delete;
    HttpThread& operator=(const HttpThread&) = delete;

    // A port whose transfers run on this thread, over at most `max_connections` kept-alive
    // connections, and whose callbacks run on `home`. While it has requests in flight it keeps
    // `home` from running out of work. The port may be destroyed before this thread (answers
    // still coming back are then dropped), never used after it.
    std::unique_ptr<HttpPort> port(boost::asio::io_context& home, int max_connections);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace kibaru::net
