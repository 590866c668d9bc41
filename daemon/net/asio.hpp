// The one way Kibaru includes Boost.Asio. Boost 1.74's Asio under -std=c++20 with GCC 12 needs
// <utility> before any Asio header (boost/asio/awaitable.hpp uses std::exchange).
#pragma once

#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
