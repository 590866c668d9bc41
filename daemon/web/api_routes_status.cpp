// The JSON API's views of what the installation holds beside contacts and campaigns: its status
// (as `status --format json`), the inbox of incoming SMS, market prices and their import.
#include "web/api_handlers.hpp"

#include "ops/admin.hpp"
#include "ops/inbound.hpp"
#include "ops/prices.hpp"
#include "store/inbox_repo.hpp"
#include "util/whole_number.hpp"
#include "web/api_route_helpers.hpp"

#include <algorithm>
#include <exception>
#include <sstream>

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

// GET /api/v1/prices?commodity=&market=: as `prices list --format json` (whole prices as
// integers, from the same cells).
void prices(ApiCall& call) {
    auto listed = ops::list_prices(call.env, call.param("commodity"), call.param("market"), 1000);
    if (failed(call, listed)) {
        return;
    }
    call.respond(json_reply(200, rows_json(ops::price_columns(), *listed, ops::price_cells)));
}

// POST /api/v1/prices/import?name=prix.csv, the file as the body (CSV or .xlsx): as `prices
// import`, the valid rows written and every refused row listed; 200 even when some are refused
// (the CLI's exit 3); 422 for a missing or unknown column, 400 for a file that cannot be read as
// a table (nothing written then).
void import_prices(ApiCall& call) {
    const std::string name = call.param("name", "prices.csv");
    std::istringstream in(call.request.body);
    auto imported = ops::import_prices(call.env, in, name);
    if (failed(call, imported)) {
        return;
    }
    Json rejects = Json::array();
    for (const auto& p : imported->rejects) {
        rejects.push_back({{"line", p.line}, {"field", p.field}, {"reason", p.reason}});
    }
    call.respond(json_reply(200, {{"file", name},
                                  {"added", imported->added},
                                  {"replaced", imported->replaced},
                                  {"rejected", imported->rejects.size()},
                                  {"windows1252_rows", imported->windows1252_rows},
                                  {"rejects", std::move(rejects)}}));
}

} // namespace kibaru::web::api
