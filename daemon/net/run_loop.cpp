#include "net/run_loop.hpp"

#include "net/asio.hpp"

#include <spdlog/spdlog.h>

#include <exception>

namespace kibaru::net {

void run_until_stopped(boost::asio::io_context& io, std::string_view what) {
    for (;;) {
        try {
            io.run();
            return;
        } catch (const std::exception& e) {
            spdlog::error("{}: {}", what, e.what());
        }
    }
}

} // namespace kibaru::net
