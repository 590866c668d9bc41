#include "web/loop_batch.hpp"

#include "net/asio.hpp"
#include "store/sqlite.hpp"

#include <spdlog/spdlog.h>

#include <memory>

namespace kibaru::web {

void post_after_ready(boost::asio::io_context& io, std::function<void()> run) {
    boost::asio::post(io, std::move(run));
}

void post_after(boost::asio::io_context& io, std::chrono::milliseconds delay,
                std::function<void()> run) {
    auto timer = std::make_shared<boost::asio::steady_timer>(io, delay);
    timer->async_wait([timer, run = std::move(run)](const boost::system::error_code& ec) {
        if (!ec) {
            run();
        }
    });
}

bool batch_failed(const std::string& what, std::size_t size, const std::exception& error) {
    spdlog::error("{} {} not recorded: {}", size, what, error.what());
    const auto* store_error = dynamic_cast<const store::StoreError*>(&error);
    return store_error != nullptr && store::is_storage_failure(store_error->code());
}

} // namespace kibaru::web
