// The request readers the JSON API's handlers share (api_route_helpers.hpp).
#include "web/api_route_helpers.hpp"

#include "core/json_input.hpp"
#include "core/json_number.hpp"
#include "util/whole_number.hpp"

#include <cstdint>
#include <limits>

namespace kibaru::web::api {

std::optional<nlohmann::json> json_body(ApiCall& call) {
    auto body = core::parse_outside_json(call.request.body);
    if (body.is_discarded() || !body.is_object()) {
        call.respond(malformed_reply("the body must be a JSON object"));
        return std::nullopt;
    }
    return body;
}

std::optional<std::string> text_field(ApiCall& call, const nlohmann::json& body,
                                      const std::string& name, bool required) {
    if (!body.contains(name) || body[name].is_null()) {
        if (required) {
            call.respond(error_reply(ops::ErrorKind::invalid, name + " is required", name));
            return std::nullopt;
        }
        return std::string();
    }
    if (!body[name].is_string()) {
        call.respond(error_reply(ops::ErrorKind::invalid, name + " must be a string", name));
        return std::nullopt;
    }
    return body[name].get<std::string>();
}

std::optional<std::vector<std::string>> list_field(ApiCall& call, const nlohmann::json& body,
                                                   const std::string& name,
                                                   const std::string& alias) {
    const std::string key = body.contains(name) ? name : alias;
    std::vector<std::string> values;
    if (!body.contains(key) || body[key].is_null()) {
        return values;
    }
    const auto& value = body[key];
    if (value.is_string()) {
        values.push_back(value.get<std::string>());
        return values;
    }
    if (value.is_array()) {
        for (const auto& item : value) {
            if (!item.is_string()) {
                call.respond(
                    error_reply(ops::ErrorKind::invalid, key + " must be a list of strings", key));
                return std::nullopt;
            }
            values.push_back(item.get<std::string>());
        }
        return values;
    }
    call.respond(
        error_reply(ops::ErrorKind::invalid, key + " must be a string or a list of them", key));
    return std::nullopt;
}

std::optional<std::int64_t> number(ApiCall& call, const std::string& text,
                                   const std::string& field) {
    const auto value = util::whole_number(text);
    if (!value) {
        call.respond(error_reply(ops::ErrorKind::invalid,
                                 field + " must be a whole number (\"" + text + "\")", field));
    }
    return value;
}

namespace {
bool fits_int(std::int64_t value) {
    return value >= std::numeric_limits<int>::min() && value <= std::numeric_limits<int>::max();
}
} // namespace

std::optional<int> int_number(ApiCall& call, const std::string& text, const std::string& field) {
    const auto value = number(call, text, field);
    if (!value) {
        return std::nullopt;
    }
    if (!fits_int(*value)) {
        call.respond(error_reply(ops::ErrorKind::invalid,
                                 field + " is out of range (\"" + text + "\")", field));
        return std::nullopt;
    }
    return static_cast<int>(*value);
}

std::optional<int> int_field(ApiCall& call, const nlohmann::json& value, const std::string& field) {
    if (!value.is_number_integer()) {
        call.respond(
            error_reply(ops::ErrorKind::invalid, field + " must be a whole number", field));
        return std::nullopt;
    }
    const auto number = core::json_whole_number(value);
    if (!number || !fits_int(*number)) {
        call.respond(error_reply(ops::ErrorKind::invalid,
                                 field + " is out of range (" + value.dump() + ")", field));
        return std::nullopt;
    }
    return static_cast<int>(*number);
}

} // namespace kibaru::web::api
