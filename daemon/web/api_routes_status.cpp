// The JSON API's read-only views of what the installation holds beside contacts and
// campaigns: its status (as `status --format json`), the inbox of incoming SMS, market prices.
#include "web/api_handlers.hpp"

#include "ops/admin.hpp"
#include "ops/inbound.hpp"
#include "ops/prices.hpp"
#include "store/inbox_repo.hpp"
#include "util/whole_number.hpp"
#include "web/api_route_helpers.hpp"

#include <algorithm>
#include <exception>

namespace kibaru::web::api {

using util::Json;

void status(ApiCall& call) {
    call.respond(json_reply(200, ops::installation_status(call.env)));
}

// GET /api/v1/inbox?since=&unanswered=1&limit=&before=: a page of incoming SMS, newest
// first; `next` is the `before` of the following page.
void inbox(ApiCall& call) {
    const auto asked = util::whole_number(call.param("limit", "100"));
    const auto before = util::whole_number(call.param("before", "0"));
    if (!asked || !before) {
        return call.respond(
            malformed_reply("limit and before must be whole numbers", asked ? "before" : "limit"));
    }
    const auto limit = std::clamp<std::int64_t>(*asked, 1, 1000);
    const bool unanswered = call.param("unanswered") == "1" || call.param("unanswered") == "true";
    auto listed = ops::list_inbox(call.env, call.param("since"), unanswered, limit, *before);
    if (failed(call, listed)) {
        return;
    }
    const auto& rows = *listed;
    Json out;
    out["messages"] = rows_json(ops::inbox_columns(), rows, ops::inbox_cells);
    out["next"] = static_cast<std::int64_t>(rows.size()) == limit
                      ? Json(std::to_string(rows.back().id))
                      : Json(nullptr);
    call.respond(json_reply(200, out));
}

// GET /api/v1/prices?commodity=&market=: as `prices list --format json`.
void prices(ApiCall& call) {
    auto listed = ops::list_prices(call.env, call.param("commodity"), call.param("market"), 1000);
    if (failed(call, listed)) {
        return;
    }
    const auto& rows = *listed;
    call.respond(json_reply(
        200, rows_json({"date", "commodity", "market", "price_min", "price_max", "unit", "trend"},
                       rows, [](const store::PriceRow& p) {
                           return std::vector<Json>{p.date,      p.commodity, p.market, p.price_min,
                                                    p.price_max, p.unit,      p.trend};
                       })));
}

} // namespace kibaru::web::api
