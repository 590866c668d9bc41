#include "web/report_batch.hpp"

#include "ops/delivery_reports.hpp"

namespace kibaru::web {

ReportBatch::ReportBatch(boost::asio::io_context& io, std::function<ops::Env()> env)
    : LoopBatch(io, "delivery reports",
                [env = std::move(env)](const std::vector<core::DeliveryReport>& reports) {
                    return ops::apply_delivery_reports(env(), reports);
                }) {}

} // namespace kibaru::web
