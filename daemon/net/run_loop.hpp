// Runs an io_context on a thread of its own until it is stopped. A handler that throws is a bug
// to log, not a reason to stop serving: Asio lets run() go on after an exception left it.
#pragma once

#include <string_view>

namespace boost::asio {
class io_context;
}

namespace kibaru::net {

// `what` names the thread in the log ("console: <error>").
void run_until_stopped(boost::asio::io_context& io, std::string_view what);

} // namespace kibaru::net
