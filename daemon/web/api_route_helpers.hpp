// What every group of JSON API handlers (api_routes_*.cpp) reads requests and writes answers
// with: the JSON body and its fields, whole numbers from paths and queries, rows as the CLI's
// --format json writes them, and an operation's error as the reply. Internal to web/: the
// handlers share these so that a field is refused in the same words by every route.
#pragma once

#include "web/api_call.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace kibaru::web::api {

// The request body as a JSON object, or nullopt after answering 400.
std::optional<nlohmann::json> json_body(ApiCall& call);

// A string field of a JSON body: "" when absent; nullopt after answering 422 when not a string.
std::optional<std::string> text_field(ApiCall& call, const nlohmann::json& body,
                                      const std::string& name, bool required);

// A list of strings given as an array or a single string (`alias`: the singular, as the CLI's
// repeatable option is named); nullopt after answering 422 when it is neither.
std::optional<std::vector<std::string>> list_field(ApiCall& call, const nlohmann::json& body,
                                                   const std::string& name,
                                                   const std::string& alias);

// A whole number from a path segment or a query parameter; nullopt after answering.
std::optional<std::int64_t> number(ApiCall& call, const std::string& text,
                                   const std::string& field);
// The same for a number the operations take as an int (a week, a page's size): one beyond int's
// range is refused, not cast (4294967297 would otherwise be week 1).
std::optional<int> int_number(ApiCall& call, const std::string& text, const std::string& field);
// A JSON body's field the same way: a whole number within int, else nullopt after answering.
std::optional<int> int_field(ApiCall& call, const nlohmann::json& value, const std::string& field);

// Rows as the CLI's --format json writes them: an array of objects keyed by `columns`.
template <typename Rows, typename Cells>
util::Json rows_json(const std::vector<std::string>& columns, const Rows& rows, Cells cells) {
    std::ostringstream out;
    auto writer = util::make_row_writer(util::Format::json, out, columns);
    for (const auto& row : rows) {
        writer->row(cells(row));
    }
    writer->finish();
    return util::Json::parse(out.str());
}

// True, after answering with the operation's error, when `result` holds one.
template <typename T>
bool failed(ApiCall& call, const ops::Result<T>& result) {
    if (!result) {
        call.respond(error_reply(result.error()));
        return true;
    }
    return false;
}

} // namespace kibaru::web::api
